// Swagger UI over the API's generated OpenAPI document (/api/docs); the bundle is served from
// this origin, straight from the swagger-ui-dist package.
const box = document.getElementById('swagger-ui');
if (box && window.SwaggerUIBundle) {
  window.SwaggerUIBundle({ url: '/api/v1/openapi.json', domNode: box, deepLinking: true, defaultModelsExpandDepth: 0 });
}
