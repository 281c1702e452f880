/*
 * swagger-init.js — starts Swagger UI on the API docs page (/api/docs/).
 *
 * drf-spectacular's own start-up script (drf_spectacular/swagger_ui.js), loaded from a static
 * file instead of an inline <script> so that the page holds under the Content-Security-Policy.
 * Its settings come from the data- attributes of #swagger-ui
 * (templates/drf_spectacular/swagger_ui.html).
 */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  var data = root.dataset;
  var swaggerSettings = JSON.parse(data.settings || "{}");
  var oauth2Config = JSON.parse(data.oauth2Config || "{}");
  var schemaAuthNames = JSON.parse(data.schemaAuthNames || "[]");
  var schemaAuthFailed = false;
  var ui = null;
  var plugins = [];

  function reloadSchema(ori) {
    return function () {
      schemaAuthFailed = false;
      setTimeout(function () { ui.specActions.download(); });
      return ori.apply(null, arguments);
    };
  }

  if (schemaAuthNames.length > 0) {
    plugins.push(function () {
      return {
        statePlugins: {
          auth: {
            wrapActions: {
              authorizeOauth2: reloadSchema,
              authorize: reloadSchema,
              logout: reloadSchema,
            },
          },
        },
      };
    });
  }

  function isSchemaUrl(url) {
    return ui !== null && url === new URL(ui.getConfigs().url, document.baseURI).href;
  }

  function responseInterceptor(response) {
    if (!response.ok && isSchemaUrl(response.url)) {
      console.warn("schema request received '" + response.status +
        "'. disabling credentials for schema till logout.");
      if (!schemaAuthFailed) {
        // Only retry once, to prevent an endless loop.
        schemaAuthFailed = true;
        setTimeout(function () { ui.specActions.download(); });
      }
    }
    return response;
  }

  function injectAuthCredentials(request) {
    var authorized;
    if (ui !== null) {
      var state = ui.getState().get("auth").get("authorized");
      if (state !== undefined && Object.keys(state.toJS()).length !== 0) {
        authorized = state.toJS();
      }
    } else if ([undefined, "{}"].indexOf(localStorage.authorized) === -1) {
      authorized = JSON.parse(localStorage.authorized);
    }
    if (authorized === undefined) {
      return;
    }
    for (var i = 0; i < schemaAuthNames.length; i++) {
      var authDef = authorized[schemaAuthNames[i]];
      if (authDef === undefined || authDef.schema === undefined) {
        continue;
      }
      var schema = authDef.schema;
      if (schema.type === "http" && schema.scheme === "bearer") {
        request.headers.Authorization = "Bearer " + authDef.value;
        return;
      } else if (schema.type === "http" && schema.scheme === "basic") {
        request.headers.Authorization =
          "Basic " + btoa(authDef.value.username + ":" + authDef.value.password);
        return;
      } else if (schema.type === "apiKey" && schema.in === "header") {
        request.headers[schema.name] = authDef.value;
        return;
      } else if (schema.type === "oauth2" && authDef.token.token_type === "Bearer") {
        request.headers.Authorization = "Bearer " + authDef.token.access_token;
        return;
      }
    }
  }

  function requestInterceptor(request) {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      try {
        injectAuthCredentials(request);
      } catch (e) {
        console.error("schema auth injection failed with error: ", e);
      }
    }
    // Only same-origin requests that change state carry the CSRF token.
    if (["GET", undefined].indexOf(request.method) === -1 &&
        request.credentials === "same-origin") {
      request.headers[data.csrfHeaderName] = data.csrfToken;
    }
    return request;
  }

  ui = SwaggerUIBundle(Object.assign({
    url: data.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: plugins,
    layout: "BaseLayout",
    requestInterceptor: requestInterceptor,
    responseInterceptor: responseInterceptor,
  }, swaggerSettings));

  if (Object.keys(oauth2Config).length > 0) {
    ui.initOAuth(oauth2Config);
  }
})();
