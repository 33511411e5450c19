//go:build torch

package pretrain

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/nerbench/nerbench/luke"
)

// stepFixture is testdata/step.json, written by testdata/step_reference.py.
type stepFixture struct {
	Config struct {
		VocabSize       int `json:"vocab_size"`
		Hidden          int `json:"hidden"`
		Heads           int `json:"heads"`
		MaxPositions    int `json:"max_positions"`
		EntityVocabSize int `json:"entity_vocab_size"`
	} `json:"config"`
	SubBatches [][]struct {
		WordIDs      []int64  `json:"word_ids"`
		WordPos      []int    `json:"word_pos"`
		WordLabels   []int64  `json:"word_labels"`
		Entities     [][3]int `json:"entities"`
		EntityPos    []int    `json:"entity_pos"`
		EntityLabels []int64  `json:"entity_labels"`
	} `json:"sub_batches"`
	Results []struct {
		WordLoss   float64 `json:"word_loss"`
		EntityLoss float64 `json:"entity_loss"`
		Loss       float64 `json:"loss"`
	} `json:"results"`
	GradNorms map[string]float64 `json:"grad_norms"`
}

// parityTol is the relative tolerance against PyTorch (float32 on both
// sides; the issue asks for 1e-5).
const parityTol = 1e-5

func relClose(got, want float64) bool {
	return math.Abs(got-want) <= parityTol*math.Max(math.Abs(want), 1e-6)
}

// TestStepParity runs one pretraining update (two accumulated sub-batches,
// the second without a masked entity) on the reference's weights and
// batch and compares the losses and every parameter's gradient norm with
// PyTorch's.
func TestStepParity(t *testing.T) {
	data, err := os.ReadFile("testdata/step.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx stepFixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/step-model.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	tensors, err := luke.ReadTorchPickle(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	vocab := map[string]int{}
	for i := range fx.Config.EntityVocabSize {
		vocab["e"+strconv.Itoa(i)] = i
	}
	ck, err := luke.NewCheckpoint(luke.Metadata{MaxSeqLength: fx.Config.MaxPositions, MaxEntities: 8, MaxEntitySpan: 30,
		NumAttentionHeads: fx.Config.Heads}, vocab, tensors)
	if err != nil {
		t.Fatal(err)
	}
	m, err := luke.NewModel(ck, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	var names []string
	for _, k := range m.Names() {
		if !isAlias(k) {
			names = append(names, k)
		}
	}
	if err := m.SetRequiresGradOf(names, true); err != nil {
		t.Fatal(err)
	}
	accum := float64(len(fx.SubBatches))
	for i, sb := range fx.SubBatches {
		var batch []*Masked
		for _, x := range sb {
			in := luke.Input{WordIDs: x.WordIDs}
			for _, e := range x.Entities {
				in.Entities = append(in.Entities, luke.Entity{ID: int64(e[0]), Start: e[1], End: e[2]})
			}
			batch = append(batch, &Masked{Input: in, WordPos: x.WordPos, WordLabels: x.WordLabels,
				EntityPos: x.EntityPos, EntityLabels: x.EntityLabels})
		}
		res, err := Step(m, batch, &luke.Pass{}, 0.5, 1/accum, true)
		if err != nil {
			t.Fatal(err)
		}
		want := fx.Results[i]
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"word loss", res.WordLoss, want.WordLoss}, {"entity loss", res.EntityLoss, want.EntityLoss}, {"loss", res.Loss, want.Loss}} {
			if !relClose(c.got, c.want) {
				t.Errorf("sub-batch %d %s: got %.9g, want %.9g (PyTorch)", i, c.name, c.got, c.want)
			}
		}
		t.Logf("sub-batch %d: word loss %.9g (PyTorch %.9g), entity loss %.9g (PyTorch %.9g)", i, res.WordLoss, want.WordLoss,
			res.EntityLoss, want.EntityLoss)
	}
	worst := 0.0
	for name, want := range fx.GradNorms {
		src := name
		for _, tie := range Tied {
			if name == tie[1] {
				src = tie[0]
			}
		}
		g := m.Param(src).MustGrad(false)
		got := g.MustNorm(false).Float64Values()[0]
		g.MustDrop()
		if !relClose(got, want) {
			t.Errorf("gradient norm of %s: got %.9g, want %.9g (PyTorch)", name, got, want)
		}
		if want > 0 {
			worst = math.Max(worst, math.Abs(got-want)/want)
		}
	}
	t.Logf("%d gradient norms, largest relative difference %.2g", len(fx.GradNorms), worst)
}
