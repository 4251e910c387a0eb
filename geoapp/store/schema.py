"""Table definitions; the Alembic migrations create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

areas = Table(
    "areas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    # Exact boundary in SWEREF 99 TM as WKB; display copies are derived from it.
    Column("geom_wkb", LargeBinary, nullable=False),
    Column("area_m2", Float, nullable=False),
    Column("source", String(255), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Random, and replaced on logout and password change: a session carries it, so that no session outlives
    # them and none fits another account.
    Column("session_secret", String(64), nullable=False),
    # SQLite would otherwise give a removed account's id to the next one (PostgreSQL's sequences never do).
    sqlite_autoincrement=True,
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64)),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("address", String(64)),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # observations | activities
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("uploaded_by", String(64)),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("redactions", Integer, nullable=False, default=0),
    UniqueConstraint("kind", "sha256"),
)

walks = Table(
    "walks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("walk_id", Integer, ForeignKey("walks.id"), nullable=False, index=True),
    Column("observed_at", DateTime(timezone=True), nullable=False, index=True),
    Column("category", String(32), nullable=False),
    Column("severity", Integer),
    Column("positive", Boolean),
    Column("comment", Text),  # already redacted at ingest; never published
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("e", Float, nullable=False),
    Column("n", Float, nullable=False),
    # RegSO code of the area holding the point, set at ingest and on every areas import.
    Column("area_code", String(64), nullable=False, index=True),
    # Random 0-255, drawn once at ingest: the cell key of the privacy noise (never shown or exported).
    Column("record_key", SmallInteger, nullable=False),
    UniqueConstraint("walk_id", "observed_at", "e", "n", "category", name="uq_observations_row"),
)

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("kind", String(64), nullable=False, default=""),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("e", Float, nullable=False),
    Column("n", Float, nullable=False),
    # RegSO code of the area holding the point, set at import and on every areas import.
    Column("area_code", String(64), nullable=False, index=True),
)

activities = Table(
    "activities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id", ondelete="CASCADE"), index=True),
    Column("place_id", Integer, ForeignKey("places.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("duration_min", Integer),
    Column("participants", Integer),
    Column("recorded_by", String(64)),
    UniqueConstraint("place_id", "kind", "started_at", name="uq_activities_row"),
)

survey_results = Table(
    "survey_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id", ondelete="CASCADE"), nullable=False, index=True),
    # An area id of /api/v1/areas (a RegSO code or a group): results are entered per area, never combined.
    Column("area_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("n", Integer),  # respondents, when the survey gives it
    Column("low", Float),
    Column("high", Float),
    UniqueConstraint("area_id", "year", "indicator", name="uq_survey_results_row"),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),  # redacted like a comment; written for publication
    Column("notes", Text, nullable=False, default=""),  # redacted like a comment
    Column("category", String(32)),
    Column("place_id", Integer, ForeignKey("places.id")),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("e", Float, nullable=False),
    Column("n", Float, nullable=False),
    # RegSO code of the area holding the point, set when placed and on every areas import.
    Column("area_code", String(64), nullable=False, index=True),
    Column("responsible", String(64), nullable=False),
    Column("due", Date),
    Column("status", String(16), nullable=False, index=True),
    Column("reason", Text, nullable=False, default=""),  # why it will not be done
    # The walk the action answers; internal, never published.
    Column("walk_id", Integer, ForeignKey("walks.id", ondelete="SET NULL"), index=True),
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)

action_history = Table(
    "action_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64)),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# The cells and categories of a walk's map that an action answers: internal, never published.
action_links = Table(
    "action_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("cell", String(64), nullable=False),
    Column("category", String(32), nullable=False, default=""),
    UniqueConstraint("action_id", "cell", "category", name="uq_action_links_row"),
)
