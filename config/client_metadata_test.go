package config

import (
	"errors"
	"testing"
)

// TestClientMetadataURLSetting: settings.clientMetadataURL is an https address with a path,
// "off" or empty; anything else is refused with the field named.
func TestClientMetadataURLSetting(t *testing.T) {
	for v, ok := range map[string]bool{
		"": true, "off": true, "https://mcp.team.example/mcptray.json": true,
		"http://mcp.team.example/mcptray.json": false, "https://mcp.team.example": false, "https://x.example/a.json?v=2": false,
	} {
		err := (&Config{Servers: map[string]*Server{}, Settings: Settings{ClientMetadataURL: v}}).Validate()
		var ve *ValidationError
		if ok != (err == nil) || (!ok && (!errors.As(err, &ve) || ve.Field != "settings.clientMetadataURL")) {
			t.Errorf("clientMetadataURL %q: %v", v, err)
		}
	}
}
