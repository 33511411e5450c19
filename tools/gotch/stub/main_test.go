package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const generated = `// header
void atg_ok(tensor *out__, tensor self) {
  PROTECT(
    auto outputs__ = torch::abs(*self);
    out__[0] = new torch::Tensor(outputs__);
  )
}

void atg_missing(tensor *out__, tensor self) {
  PROTECT(
    auto outputs__ = torch::no_such_op(*self);
    out__[0] = new torch::Tensor(outputs__);
  )
}

int64_t atg_count(tensor self) {
  PROTECT(
    return torch::no_such_count(*self);
  )
  return 0;
}
`

func TestStubFunctions(t *testing.T) {
	got, rep, err := stubFunctions([]byte(generated), []int{11, 18, 11}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `// header
void atg_ok(tensor *out__, tensor self) {
  PROTECT(
    auto outputs__ = torch::abs(*self);
    out__[0] = new torch::Tensor(outputs__);
  )
}

void atg_missing(tensor *out__, tensor self) {
  PROTECT(throw std::runtime_error("atg_missing: not available in the libtorch this gotch was built against");)
}

int64_t atg_count(tensor self) {
  PROTECT(throw std::runtime_error("atg_count: not available in the libtorch this gotch was built against");)
  return 0;
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("source mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rewritten{stubbed: []string{"atg_count", "atg_missing"}}, rep, cmp.AllowUnexported(rewritten{})); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
}

func TestStubFunctionsOutside(t *testing.T) {
	if _, _, err := stubFunctions([]byte(generated), []int{1}, true); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("got error %v, want one naming line 1", err)
	}
}

// maskedGrad holds gotch v0.9.1's wrappers of the to_dense family, which
// pass libtorch 2.1's masked_grad argument, and one function with a
// masked_grad parameter that adapt does not know how to rewrite.
const maskedGrad = `void atg_to_dense(tensor *out__, tensor self, int dtype, int masked_grad) {
  PROTECT(
    auto outputs__ = self->to_dense(dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(at::ScalarType(dtype)), (bool)masked_grad);
    out__[0] = new torch::Tensor(outputs__);
  )
}

void atg_to_dense_backward(tensor *out__, tensor grad, tensor input, int masked_grad) {
  PROTECT(
    auto outputs__ = torch::to_dense_backward(*grad, *input, (bool)masked_grad);
    out__[0] = new torch::Tensor(outputs__);
  )
}

void atg_other(tensor *out__, tensor self, int masked_grad) {
  PROTECT(
    auto outputs__ = torch::other(*self, masked_grad ? 1 : 0);
    out__[0] = new torch::Tensor(outputs__);
  )
}
`

func TestStubFunctionsAdapt(t *testing.T) {
	const guard = `    if (!masked_grad && %[1]s->layout() != c10::kStrided && %[1]s->layout() != c10::kMkldnn)
      throw std::runtime_error("%[2]s: masked_grad=false needs libtorch 2.1; this one always masks the gradient of a sparse tensor");
`
	adapted := "void atg_to_dense(tensor *out__, tensor self, int dtype, int masked_grad) {\n  PROTECT(\n" +
		fmt.Sprintf(guard, "self", "atg_to_dense") +
		`    auto outputs__ = self->to_dense(dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(at::ScalarType(dtype)));
    out__[0] = new torch::Tensor(outputs__);
  )
}

void atg_to_dense_backward(tensor *out__, tensor grad, tensor input, int masked_grad) {
  PROTECT(
` + fmt.Sprintf(guard, "input", "atg_to_dense_backward") +
		`    auto outputs__ = torch::to_dense_backward(*grad, *input);
    out__[0] = new torch::Tensor(outputs__);
  )
}
`
	stubbed := func(name string) string {
		return `  PROTECT(throw std::runtime_error("` + name + `: not available in the libtorch this gotch was built against");)
`
	}
	other := `
void atg_other(tensor *out__, tensor self, int masked_grad) {
` + stubbed("atg_other") + "}\n"
	tests := []struct {
		name  string
		adapt bool
		want  string
		rep   rewritten
	}{
		{
			name:  "adapt",
			adapt: true,
			want:  adapted + other,
			rep:   rewritten{adapted: []string{"atg_to_dense", "atg_to_dense_backward"}, stubbed: []string{"atg_other"}},
		},
		{
			name: "stub only",
			want: "void atg_to_dense(tensor *out__, tensor self, int dtype, int masked_grad) {\n" + stubbed("atg_to_dense") + "}\n\n" +
				"void atg_to_dense_backward(tensor *out__, tensor grad, tensor input, int masked_grad) {\n" + stubbed("atg_to_dense_backward") + "}\n" +
				other,
			rep: rewritten{stubbed: []string{"atg_other", "atg_to_dense", "atg_to_dense_backward"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, rep, err := stubFunctions([]byte(maskedGrad), []int{3, 10, 17}, tc.adapt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("source mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.rep, rep, cmp.AllowUnexported(rewritten{})); diff != "" {
				t.Errorf("names mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorLines(t *testing.T) {
	tests := []struct {
		name    string
		log     string
		want    []int
		wantErr string
	}{
		{
			name: "generated only",
			log: "In file included from torch_api.cpp:1079:\n" +
				"torch_api_generated.cpp.h: In function 'void atg_x(tensor*, tensor)':\n" +
				"torch_api_generated.cpp.h:12:35: error: 'no_such_op' is not a member of 'torch'\n" +
				"/usr/include/ATen/ops/abs.h:20:1: note: candidate\n" +
				"/tmp/x/libtch/torch_api_generated.cpp.h:40:3: error: no match\n" +
				"/usr/include/c++/12/bits/utility.h:84:11:   required by substitution of 'template<...>'\n" +
				"/tmp/x/libtch/torch_api_generated.cpp.h:1458:3:   required from here\n" +
				"/usr/include/c++/12/tuple:1357:25: error: static assertion failed: tuple index must be in range\n" +
				"/usr/include/c++/12/tuple:1357:25: note: the comparison reduces to '(5 < 5)'\n" +
				"/usr/include/c++/12/tuple:1359:13: error: no type named 'type'\n",
			want: []int{12, 40, 1458},
		},
		{
			name:    "error elsewhere",
			log:     "torch_api.cpp:7:10: fatal error: torch/torch.h: No such file or directory\n",
			wantErr: "torch_api.cpp:7",
		},
		{name: "no error", log: "warning only\n", wantErr: "no compiler error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := errorLines([]byte(tc.log), "torch_api_generated.cpp.h")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
