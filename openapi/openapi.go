// Package openapi embeds the API contract (openapi.yaml) and the reference
// page that renders it offline: the centre's network may have no Internet.
package openapi

import _ "embed"

// Spec is the OpenAPI 3.0 document.
//
//go:embed openapi.yaml
var Spec []byte

// DocsPage is the HTML of /docs.
//
//go:embed docs.html
var DocsPage []byte

// RedocJS is the Redoc bundle the docs page loads (redoc 2.5.4, MIT).
//
//go:embed redoc.standalone.js
var RedocJS []byte
