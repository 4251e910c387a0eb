// Draw the OpenAPI document with the vendored Swagger UI; nothing is fetched from anywhere but this site.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: target.getAttribute("data-url"),
    domNode: target,
    validatorUrl: null,
    deepLinking: false,
    tryItOutEnabled: false
  });
})();
