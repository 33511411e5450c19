package daluke

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*Model)(nil)

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.Context(), t.TempDir(), Config{}); !errors.Is(err, os.ErrNotExist) ||
		!strings.Contains(err.Error(), "DaLUKE_NER.tar.gz") {
		t.Errorf("empty folder: got error %v, want os.ErrNotExist naming DaLUKE_NER.tar.gz", err)
	}
	if _, err := Load(t.Context(), fixtureDir, Config{Archive: "daluke.tar.gz"}); err == nil ||
		!strings.Contains(err.Error(), "pretrained") {
		t.Errorf("pretrained archive: got error %v, want one saying it is the pretrained model", err)
	}
}
