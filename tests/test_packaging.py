"""A built wheel carries templates and data and starts from any working directory."""

from __future__ import annotations

import site
import subprocess
import sys
import venv

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_into_a_fresh_environment_and_serves(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("geoapp-*.whl"))
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    fresh_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                check=True, capture_output=True, text=True).stdout.strip()
    # Reuse the already installed dependencies; geoapp itself comes only from the wheel.
    (tmp_path / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", fresh_site, wheel],
                   check=True, capture_output=True)
    (tmp_path / "deps.pth").rename(f"{fresh_site}/zz_deps.pth")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import geoapp, sys; from geoapp import create_app;"
        "assert geoapp.__file__.startswith(sys.argv[1]), geoapp.__file__;"
        "app = create_app({'TILES': 'none', 'PUBLIC_MAP': True}); c = app.test_client();"
        "r = c.get('/'); assert r.status_code == 200 and 'Tjärna Ängar' in r.get_data(as_text=True);"
        "assert '<title>Karta — geoapp</title>' in r.get_data(as_text=True);"  # the catalogues came along
        "print(len(c.get('/api/v1/areas').get_json()['features']))"
    )
    result = subprocess.run([python, "-c", script, fresh_site], cwd=elsewhere, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "GEOAPP_INSTANCE_PATH": str(tmp_path / "inst")})
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) == 19  # 17 RegSO areas and 2 groups
