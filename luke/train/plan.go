package train

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// streamDomain salts every stream key, so that streams of nerbench's
// training never coincide with other ChaCha8 streams of the project.
const streamDomain = "nerbench.train/v1"

// Stream returns the ChaCha8 generator of one purpose ("shuffle",
// "dropout", "init", ...) at (epoch, index): its key is the SHA-256 of the
// domain "nerbench.train/v1", the purpose, and seed, epoch and index as
// little-endian 64-bit integers, each part preceded by its length. Two
// different tuples give independent streams.
func Stream(seed uint64, purpose string, epoch, index int) *rand.ChaCha8 {
	h := sha256.New()
	var n [8]byte
	part := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	part([]byte(streamDomain))
	part([]byte(purpose))
	for _, v := range []uint64{seed, uint64(epoch), uint64(index)} {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		part(b[:])
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	return rand.NewChaCha8(key)
}

// Shuffle returns a permutation of 0..n-1 drawn from the stream (seed,
// "shuffle", epoch, 0) with a Fisher-Yates shuffle (math/rand/v2's Shuffle).
func Shuffle(n int, seed uint64, epoch int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r := rand.New(Stream(seed, "shuffle", epoch, 0))
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// Plan returns the micro-batches of one epoch over n examples: consecutive
// groups of batchSize example indices, the last one smaller when batchSize
// does not divide n (PyTorch's DataLoader with drop_last=False). With
// shuffle the examples are visited in the order Shuffle(n, seed, epoch),
// otherwise in index order. It panics if batchSize < 1.
func Plan(n, batchSize int, shuffle bool, seed uint64, epoch int) [][]int {
	if batchSize < 1 {
		panic("train: batch size below 1")
	}
	var order []int
	if shuffle {
		order = Shuffle(n, seed, epoch)
	} else {
		order = make([]int, n)
		for i := range order {
			order[i] = i
		}
	}
	out := make([][]int, 0, (n+batchSize-1)/batchSize)
	for lo := 0; lo < n; lo += batchSize {
		out = append(out, order[lo:min(lo+batchSize, n):min(lo+batchSize, n)])
	}
	return out
}

// Updates returns the number of updates of an epoch of the given number of
// micro-batches with accum micro-batches per update: the last update of an
// epoch takes the micro-batches left over. It panics if accum < 1.
func Updates(batches, accum int) int {
	if accum < 1 {
		panic("train: accumulation below 1")
	}
	return (batches + accum - 1) / accum
}
