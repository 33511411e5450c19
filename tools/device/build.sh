#!/bin/sh
# Prepare the GPU check (tools/device/daluke-gpu.sh) on a machine with Go:
# a nerbench binary whose libtorch calls all go through one shared library,
# libgotchtch.so (gotch's C wrapper), so that the GPU machine, which has no
# Go but has a pip torch with CUDA, only compiles that wrapper.
#
# Writes bin/device/ (about 20 MB, to be carried to the GPU machine):
#   nerbench         the torch build, linked against libgotchtch.so
#   stub             tools/gotch/stub as a static binary (stubs the wrapper
#                    functions the other torch cannot compile)
#   src/             gotch's unmodified C wrapper sources
#   libgotchtch.so   the wrapper built here against Debian's libtorch, for
#                    testing the split build on this machine only
# and bin/gotch-split + bin/torch-split.mod, the Go side of gotch without its
# C++ files.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
GO=${GO:-go}
CXX=${CXX:-g++}
tools/gotch/build.sh >/dev/null
VERSION=$(awk '$1 == "github.com/sugarme/gotch" { print $2 }' go.mod)
SRC=$($GO mod download -json "github.com/sugarme/gotch@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
D=bin/device
mkdir -p $D/src
for f in torch_api.cpp torch_api.h torch_api_generated.cpp.h torch_api_generated.h; do
	cp "$SRC/libtch/$f" $D/src/ && chmod u+w $D/src/$f
done
# The Go side: bin/gotch (already patched for Debian) without the C++ file,
# linked against libgotchtch.so.
rm -rf bin/gotch-split
cp -r bin/gotch bin/gotch-split
rm bin/gotch-split/libtch/torch_api.cpp bin/gotch-split/.nerbench-stamp
cat > bin/gotch-split/libtch/lib.go <<'GO'
package libtch

// Written by nerbench's tools/device/build.sh: gotch's C wrapper is the
// shared library libgotchtch.so (bin/device), built against whichever
// libtorch the machine has; find it through LD_LIBRARY_PATH at run time.

// #cgo LDFLAGS: -L${SRCDIR}/../../device -lgotchtch -lstdc++
import "C"
GO
# This machine's wrapper: the one bin/gotch compiled (stubbed for Debian's
# libtorch 1.13).
if [ ! -e $D/libgotchtch.so ] || [ bin/gotch/libtch/torch_api_generated.cpp.h -nt $D/libgotchtch.so ]; then
	echo "compiling libgotchtch.so against /usr (a few minutes)"
	"$CXX" -std=c++17 -O2 -w -fPIC -shared -Ibin/gotch/libtch -I/usr/include/torch/csrc/api/include \
		bin/gotch/libtch/torch_api.cpp -o $D/libgotchtch.so -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10
fi
{ cat go.mod; echo; echo "replace github.com/sugarme/gotch => ./bin/gotch-split"; } > bin/torch-split.mod
cp go.sum bin/torch-split.sum
CGO_ENABLED=0 $GO build -o $D/stub ./tools/gotch/stub
$GO build -tags torch -modfile=bin/torch-split.mod -o $D/nerbench ./cmd/nerbench
echo "built $D: carry it with the worktree and run tools/device/daluke-gpu.sh there"
