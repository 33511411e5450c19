package baseline

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestTrainFeatureGroups(t *testing.T) {
	all := trainFixture(t, TrainConfig{Prune: -1})
	tests := []struct {
		features string
		keep     func(name string) bool
	}{
		{"", func(string) bool { return true }},
		{"all", func(string) bool { return true }},
		{"words", func(n string) bool { return !strings.HasPrefix(n, "gz") }},
		{"entities", func(n string) bool { return strings.HasPrefix(n, "gz") || n == "b" }},
	}
	for _, tc := range tests {
		t.Run(tc.features, func(t *testing.T) {
			m := trainFixture(t, TrainConfig{Prune: -1, Features: tc.features})
			for name := range m.feats {
				if !tc.keep(name) {
					t.Errorf("feature %q is in a %q model", name, tc.features)
				}
			}
			if tc.features == "" || tc.features == "all" {
				if !bytes.Equal(modelBytes(t, m), modelBytes(t, all)) {
					t.Errorf("features %q: model differs from the default one", tc.features)
				}
			} else if len(m.feats) == 0 || len(m.feats) >= len(all.feats) {
				t.Errorf("features %q: got %d features, want some and fewer than the %d of all", tc.features, len(m.feats), len(all.feats))
			}
			if got := m.Provenance().Hyper.Features; tc.features != "all" && got != tc.features {
				t.Errorf("provenance features: got %q, want %q", got, tc.features)
			}
		})
	}
	if _, err := Train(context.Background(), readFixture(t, "train.tsv"), readFixture(t, "dev.tsv"), TrainConfig{Features: "chars"}); err == nil {
		t.Error("features chars: want an error")
	}
}
