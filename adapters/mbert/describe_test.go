package mbert

import (
	"testing"

	"github.com/nerbench/nerbench/adapters/internal/ort/orttest"
)

func TestDescribe(t *testing.T) {
	orttest.CheckDescribe(t, orttest.Adapter{Describe: Describe, Name: Name, ModelID: ModelID, PredictsMISC: PredictsMISC, Cased: Cased})
}
