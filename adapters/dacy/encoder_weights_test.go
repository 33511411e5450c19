package dacy

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/luke"
)

// Checks of the libtorch engine's weights against config.json, in every
// build (reading and checking need no libtorch): both torch.save formats
// are read, and each error names the file and the field or tensor.
func TestEncoderWeightsErrors(t *testing.T) {
	const model = "transformer/model"
	stateDict := func(t *testing.T, dir string, change func(sd map[string]*luke.Tensor)) {
		file := filepath.Join(dir, model, WeightsFile)
		sd, err := luke.ReadStateDict(file)
		if err != nil {
			t.Fatal(err)
		}
		change(sd)
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := luke.WriteTorchPickle(f, sd); err != nil {
			t.Fatal(err)
		}
	}
	configJSON := func(t *testing.T, dir, old, new string) {
		p := filepath.Join(dir, model, "config.json")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("config.json has no %q", old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const key = "encoder.layer.1.attention.self.key.weight"
	tests := []struct {
		name     string
		change   func(t *testing.T, dir string)
		sentinel error
		mention  []string
	}{
		{"as released", func(t *testing.T, dir string) {}, nil, nil},
		{"as released, legacy format", func(t *testing.T, dir string) {}, nil, nil},
		{"roberta prefix", func(t *testing.T, dir string) {
			stateDict(t, dir, func(sd map[string]*luke.Tensor) {
				for k, v := range maps.Clone(sd) {
					delete(sd, k)
					sd["roberta."+k] = v
				}
			})
		}, nil, nil},
		{"wrong shape", func(t *testing.T, dir string) {
			stateDict(t, dir, func(sd map[string]*luke.Tensor) { sd[key].Shape = []int{16, 64} })
		}, ErrShape, []string{WeightsFile, key, "[16 64]", "[32 32]"}},
		{"missing tensor", func(t *testing.T, dir string) {
			stateDict(t, dir, func(sd map[string]*luke.Tensor) { delete(sd, "encoder.layer.1.output.LayerNorm.bias") })
		}, ErrMissing, []string{WeightsFile, "encoder.layer.1.output.LayerNorm.bias"}},
		{"unknown tensor", func(t *testing.T, dir string) {
			stateDict(t, dir, func(sd map[string]*luke.Tensor) { sd["lm_head.dense.weight"] = sd[key] })
		}, ErrUnsupported, []string{WeightsFile, "lm_head.dense.weight"}},
		{"more layers in config.json", func(t *testing.T, dir string) {
			configJSON(t, dir, `"num_hidden_layers": 2`, `"num_hidden_layers": 3`)
		}, ErrMissing, []string{WeightsFile, "encoder.layer.2."}},
		{"unknown architecture", func(t *testing.T, dir string) {
			configJSON(t, dir, `"XLMRobertaModel"`, `"XLMRobertaForMaskedLM"`)
		}, ErrUnsupported, []string{"config.json", "architectures", "XLMRobertaForMaskedLM"}},
		{"activation", func(t *testing.T, dir string) {
			configJSON(t, dir, `"hidden_act": "gelu"`, `"hidden_act": "relu"`)
		}, ErrUnsupported, []string{"config.json", "hidden_act", "relu"}},
		{"missing size", func(t *testing.T, dir string) {
			configJSON(t, dir, `"intermediate_size": 64`, `"intermediate_size": 0`)
		}, ErrMissing, []string{"config.json", "intermediate_size"}},
		{"truncated legacy file", func(t *testing.T, dir string) {
			p := filepath.Join(dir, model, WeightsFile)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data[:len(data)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, []string{WeightsFile, "legacy torch.save file"}},
		{"empty file", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, model, WeightsFile), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, []string{WeightsFile, "neither a torch.save zip file nor a legacy one"}},
		{"not a torch file", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, model, WeightsFile), []byte("not a zip"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, []string{WeightsFile, "neither a torch.save zip file nor a legacy one"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkg := "testdata/tiny-xlmr" // torch.save's zip format
			if strings.Contains(tc.name, "legacy") {
				pkg = "testdata/tiny-bert" // its legacy format
			}
			dir := copyPackage(t, pkg)
			tc.change(t, dir)
			h, err := loadHead(dir)
			if err != nil {
				t.Fatal(err)
			}
			ck, err := encoderCheckpoint(filepath.Join(dir, model), h.hf)
			if tc.mention == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				t.Cleanup(func() { ck.Close() })
				if got := len(ck.Tensors); got != 5+16*2 {
					t.Errorf("got %d tensors, want %d (the embeddings and 16 per layer)", got, 5+16*2)
				}
				return
			}
			wantError(t, err, tc.sentinel, tc.mention)
		})
	}
}

// An unknown engine is an error, and so is the libtorch engine in a build
// without it; the default engine is the build's.
func TestLoadEngine(t *testing.T) {
	want := EngineORT
	if torchBuild {
		want = EngineTorch
	}
	if got := (Config{}).ResolvedEngine(); got != want {
		t.Errorf("default engine %s, want %s", got, want)
	}
	_, err := Load(t.Context(), "testdata/tiny-bert", Config{Engine: "tensorflow"})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `"tensorflow"`) {
		t.Errorf("engine tensorflow: got %v, want an unsupported engine", err)
	}
	if torchBuild {
		return
	}
	_, err = Load(t.Context(), "testdata/tiny-bert", Config{Engine: EngineTorch})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "torch build") {
		t.Errorf("engine torch without libtorch: got %v, want an error saying how to rebuild", err)
	}
}
