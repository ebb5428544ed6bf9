package testbin

// OTelHelper returns the path of mcptray-otel, the OTLP export helper, building it on first
// use into the folder mcptray is built in: the daemon looks for it beside its own executable.
func OTelHelper() (string, error) { return build("mcptray-otel", "./cmd/mcptray-otel") }
