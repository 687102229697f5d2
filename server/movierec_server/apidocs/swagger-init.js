// Starts Swagger UI on the page's spec URL. A file, not an inline script, so the docs
// pages keep a Content-Security-Policy of script-src 'self'.
window.addEventListener("load", function () {
  var root = document.getElementById("openapi");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#openapi",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    validatorUrl: null
  });
});
