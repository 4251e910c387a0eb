// Draw the OpenAPI document with the vendored Swagger UI; nothing is fetched from anywhere but this site.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: target.getAttribute("data-url"),
    domNode: target,
    validatorUrl: null,
    deepLinking: false,
    tryItOutEnabled: false,
    onComplete: function () {
      // Swagger UI leaves its server menu without a name for screen readers.
      var servers = document.getElementById("servers");
      if (servers) { servers.setAttribute("aria-label", "Servers"); }
    }
  });
})();
