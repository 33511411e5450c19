#!/bin/sh
# Build the patched copy of gotch that nerbench's torch build (-tags torch)
# uses, and the module file that points the build at it.
#
# No gotch release compiles against Debian bookworm's libtorch 1.13 as
# published: libtch/lib.go links CUDA libraries unconditionally, and about a
# hundred generated wrapper functions call operators that 1.13 lacks. This
# script therefore
#   1. copies github.com/sugarme/gotch at the version go.mod requires from the
#      Go module cache into OUT (default bin/gotch), keeping only the packages
#      nerbench uses (module root, half, libtch, ts, nn, pickle) and no tests;
#   2. rewrites libtch/lib.go's cgo flags for the libtorch at hand;
#   2b. makes gotch's generated in-place methods free the libtorch handle
#      they replace (they leaked it, and with it any temporary updated in place);
#   3. compiles the C++ wrapper once for syntax (pass 1), rewrites every
#      generated function that fails with `go run ./tools/gotch/stub`, and
#      checks again (pass 2). The stub tool adapts the to_dense family to
#      1.13's operator (libtorch 2.1 added their masked_grad argument; luke
#      needs to_dense for oneDNN's linear) and stubs the others with a body
#      that throws. Should an adapted function still fail (another libtorch),
#      it is stubbed too and checked once more (pass 3);
#   4. writes bin/torch.mod and bin/torch.sum: go.mod and go.sum plus a replace
#      directive to OUT. Build with `go build -tags torch -modfile=bin/torch.mod`.
# go.mod itself never points at OUT, so `go build ./...` keeps working on
# machines without libtorch.
#
# Environment:
#   LIBTORCH  a libtorch prefix with include/ and lib/ (for example a pip
#             torch's package folder); default: Debian's libtorch-dev in /usr.
#   TORCH_ABI the _GLIBCXX_USE_CXX11_ABI value for LIBTORCH (pip torch
#             reports it as torch._C._GLIBCXX_USE_CXX11_ABI); default 1.
#   GO, CXX   the go and g++ commands.
# A second run with the same inputs does nothing.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=${1:-bin/gotch}
GO=${GO:-go}
CXX=${CXX:-g++}
LIBTORCH=${LIBTORCH:-}
TORCH_ABI=${TORCH_ABI:-1}

VERSION=$(awk '$1 == "github.com/sugarme/gotch" { print $2 }' go.mod)
[ -n "$VERSION" ] || { echo "build.sh: go.mod does not require github.com/sugarme/gotch" >&2; exit 1; }

if [ -n "$LIBTORCH" ]; then
	INC=$LIBTORCH/include
	LIB=$LIBTORCH/lib
	CXXFLAGS="-I$INC -I$INC/torch/csrc/api/include -D_GLIBCXX_USE_CXX11_ABI=$TORCH_ABI"
	LDFLAGS="-L$LIB -Wl,-rpath,$LIB -Wl,--no-as-needed -lstdc++ -ltorch -ltorch_cpu -lc10"
	if [ -e "$LIB/libtorch_cuda.so" ]; then LDFLAGS="$LDFLAGS -ltorch_cuda -lc10_cuda"; fi
else
	INC=/usr/include
	CXXFLAGS="-I$INC/torch/csrc/api/include"
	LDFLAGS="-lstdc++ -ltorch -ltorch_cpu -lc10"
fi
if [ ! -e "$INC/torch/csrc/api/include/torch/torch.h" ]; then
	echo "build.sh: no libtorch headers under $INC." >&2
	echo "  On Debian/Ubuntu: apt-get install -y libtorch-dev libopenblas0-pthread" >&2
	echo "  Elsewhere: set LIBTORCH to a libtorch folder holding include/ and lib/." >&2
	exit 1
fi

STAMP="gotch $VERSION | $CXXFLAGS | $LDFLAGS | $(cksum < tools/gotch/build.sh) | $(cat tools/gotch/stub/*.go | cksum)"
# The module file for the torch build: go.mod plus a replace directive. It is
# rewritten on every run so that it follows go.mod.
write_modfile() {
	case $OUT in /*) REL=$OUT ;; *) REL=./$OUT ;; esac
	mkdir -p bin
	{ cat go.mod; echo; echo "replace github.com/sugarme/gotch => $REL"; } > bin/torch.mod.tmp
	cp go.sum bin/torch.sum.tmp
	mv bin/torch.mod.tmp bin/torch.mod
	mv bin/torch.sum.tmp bin/torch.sum
}
if [ -f "$OUT/.nerbench-stamp" ] && [ "$(cat "$OUT/.nerbench-stamp")" = "$STAMP" ]; then
	write_modfile
	echo "gotch $VERSION in $OUT is up to date"
	exit 0
fi

SRC=$($GO mod download -json "github.com/sugarme/gotch@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[ -d "$SRC" ] || { echo "build.sh: go mod download gave no folder for gotch $VERSION" >&2; exit 1; }

TMP="$OUT.tmp"
rm -rf "$TMP"
mkdir -p "$TMP"
for f in "$SRC"/*.go "$SRC"/go.mod "$SRC"/LICENSE; do
	case $f in *_test.go) continue ;; esac
	cp "$f" "$TMP/"
done
for d in half libtch ts nn pickle; do
	mkdir -p "$TMP/$d"
	for f in "$SRC/$d"/*; do
		case $f in *_test.go) continue ;; esac
		[ -f "$f" ] && cp "$f" "$TMP/$d/"
	done
done
chmod -R u+w "$TMP"

# Patch 1: cgo flags for the libtorch at hand, without CUDA unless LIBTORCH
# provides it.
cat > "$TMP/libtch/lib.go" <<EOF
package libtch

// Written by nerbench's tools/gotch/build.sh for the libtorch in $INC.

// #cgo CXXFLAGS: -std=c++17 -I\${SRCDIR} -O2 -w $CXXFLAGS
// #cgo LDFLAGS: $LDFLAGS
import "C"
EOF

# Patch 1b: gotch's generated in-place methods (Add_, MulScalar_, …) point
# the tensor at the new handle that libtorch returns and lose the old one,
# whose reference keeps the tensor's memory alive after MustDrop: every
# in-place update of a temporary leaked the temporary (AdamW leaked about
# three times the model's size per update). Free the old handle there.
GEN=$TMP/ts/tensor-generated.go
INPLACE=$(grep -c '^  ts.ctensor = \*ptr$' "$GEN" || true)
[ "$INPLACE" -gt 0 ] || { echo "build.sh: no in-place method found in $GEN to patch" >&2; exit 1; }
sed -i 's/^  ts.ctensor = \*ptr$/  if old := ts.ctensor; old != *ptr { lib.AtFree(old) }\n  ts.ctensor = *ptr/' "$GEN"
echo "freed the replaced handle in $INPLACE in-place methods"

# Patch 1c: newTensor gives every tensor a 100 kB Go object (bigStruct), so
# that the Go heap's growth stands for libtorch's memory and the collector
# runs tensors' finalizers soon. nerbench frees its tensors itself (luke's
# scopes, MustDrop); the objects only filled the Go heap with garbage, tens of
# megabytes between collections during inference, and cost their zeroing.
TENSOR=$TMP/ts/tensor.go
grep -q '^	x.d = new(bigStruct)$' "$TENSOR" || { echo "build.sh: no bigStruct allocation found in $TENSOR to patch" >&2; exit 1; }
sed -i '/^	x.d = new(bigStruct)$/d' "$TENSOR"

# Patch 2: stub the generated functions that this libtorch cannot compile.
syntax() {
	LC_ALL=C "$CXX" -std=c++17 -fsyntax-only -w -I"$TMP/libtch" $CXXFLAGS "$TMP/libtch/torch_api.cpp"
}
echo "checking gotch's C++ wrapper against $INC (pass 1, about a minute)"
if syntax 2> "$TMP/pass1.log"; then
	echo "pass 1: nothing to stub"
else
	$GO run ./tools/gotch/stub -src "$TMP/libtch/torch_api_generated.cpp.h" -log "$TMP/pass1.log" > "$TMP/stub.log"
	cut -c1-300 "$TMP/stub.log"
	echo "checking again (pass 2)"
	if ! syntax 2> "$TMP/pass2.log"; then
		echo "pass 2 failed: stubbing the adapted functions too"
		$GO run ./tools/gotch/stub -adapt=false -src "$TMP/libtch/torch_api_generated.cpp.h" -log "$TMP/pass2.log" >> "$TMP/stub.log"
		echo "checking again (pass 3)"
		if ! syntax 2> "$TMP/pass3.log"; then
			echo "build.sh: the wrapper still fails after stubbing; first errors:" >&2
			grep -m 20 'error' "$TMP/pass3.log" >&2
			exit 1
		fi
	fi
fi
rm -f "$TMP/pass1.log" "$TMP/pass2.log" "$TMP/pass3.log"
echo "$STAMP" > "$TMP/.nerbench-stamp"
rm -rf "$OUT"
mv "$TMP" "$OUT"
write_modfile
echo "built $OUT (gotch $VERSION); build with: go build -tags torch -modfile=bin/torch.mod"
