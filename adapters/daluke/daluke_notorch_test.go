//go:build !torch

package daluke

import (
	"errors"
	"testing"

	"github.com/nerbench/nerbench/luke"
)

func TestLoadNeedsTorch(t *testing.T) {
	if _, err := Load(t.Context(), fixtureDir, Config{}); !errors.Is(err, luke.ErrNoTorch) {
		t.Errorf("got error %v, want luke.ErrNoTorch", err)
	}
}
