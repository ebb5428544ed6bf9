package evidence

import (
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var helper string // mcptray-otel, built by TestMain

func TestMain(m *testing.M) { testbin.OTelMain(m, &helper) }
