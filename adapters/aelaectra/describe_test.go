package aelaectra

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	d := Describe()
	if d.Name != Name || d.ModelID != ModelID || d.PredictsMISC != PredictsMISC || d.Cased != Cased {
		t.Errorf("got %+v", d)
	}
	if !strings.HasPrefix(d.Export, "optimum-cli export onnx --task token-classification ") || !strings.HasSuffix(d.Export, " "+Name) {
		t.Errorf("export command %q: want optimum-cli ... %s", d.Export, Name)
	}
	hasMISC := false
	for _, typ := range d.Types() {
		hasMISC = hasMISC || typ == "MISC"
	}
	if hasMISC != PredictsMISC {
		t.Errorf("types %v, PredictsMISC %v", d.Types(), PredictsMISC)
	}
	d.Labels[0] = "changed"
	if Describe().Labels[0] == "changed" {
		t.Errorf("Describe shares its labels with callers")
	}
}
