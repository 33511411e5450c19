package pretrain

// Ks are the k of the top-k accuracies reported (spec §3.7, thesis-era).
var Ks = []int{1, 3, 5, 10, 25, 50}

// Rank returns the place of the label among scores when they are picked by
// repeated argmax, ties going to the lowest index (spec §3.7): the number
// of scores above the label's plus the number of equal scores at lower
// indices. The label is within the top k when Rank < k.
func Rank(scores []float32, label int) int {
	s := scores[label]
	r := 0
	for j, v := range scores {
		if v > s || (v == s && j < label) {
			r++
		}
	}
	return r
}

// TopK counts, for each k of Ks, the rows whose label is within the top k.
// scores holds one row of classes scores per label.
func TopK(scores []float32, classes int, labels []int64) []int {
	hits := make([]int, len(Ks))
	for i, l := range labels {
		r := Rank(scores[i*classes:(i+1)*classes], int(l))
		for j, k := range Ks {
			if r < k {
				hits[j]++
			}
		}
	}
	return hits
}
