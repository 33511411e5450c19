package baseline

import (
	_ "embed"
)

// EmbeddedFile is the name the embedded DaNE model carries in errors and in
// (*Model).File.
const EmbeddedFile = "embedded:adapters/baseline/model/dane.nbm.gz"

// embeddedDaNE is the shipped model, trained on DaNE train with the epoch
// chosen on DaNE dev. Rebuild it with
//
//	nerbench train baseline --dataset dane --out adapters/baseline/model/dane.nbm.gz
//
// TestEmbeddedReproduces checks that this gives the same bytes.
//
//go:generate go run ../../cmd/nerbench train baseline --dataset dane --out model/dane.nbm.gz
//go:embed model/dane.nbm.gz
var embeddedDaNE []byte

// LoadEmbedded returns the DaNE model compiled into the program, with the
// default Config. Its Provenance says how it was trained.
func LoadEmbedded() (*Model, error) {
	return load(embeddedDaNE, EmbeddedFile, Config{})
}
