package main

import (
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
	got, names, err := stubFunctions([]byte(generated), []int{11, 18, 11})
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
	if diff := cmp.Diff([]string{"atg_count", "atg_missing"}, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
}

func TestStubFunctionsOutside(t *testing.T) {
	if _, _, err := stubFunctions([]byte(generated), []int{1}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("got error %v, want one naming line 1", err)
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
