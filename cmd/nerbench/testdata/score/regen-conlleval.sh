#!/bin/sh
# Regenerates the *.conlleval golden files of this folder by running
# conlleval.pl (version 2004-01-26, e.g. chakki-works/seqeval
# tests/conlleval.pl) on every *.txt input, with the options in NAME.args
# when that file exists (the word TAB stands for a tab character).
# conlleval.pl is not part of nerbench; pass its path:
#
#   sh regen-conlleval.sh ../../../../../shared/tools/conlleval.pl
#
# conlleval.pl exits 1 on inputs it rejects; their golden files are not
# written.
set -eu
script=${1:?usage: regen-conlleval.sh /path/to/conlleval.pl}
cd "$(dirname "$0")"
tab=$(printf '\t')
for f in *.txt; do
	args=""
	if [ -f "${f%.txt}.args" ]; then
		args=$(sed "s/TAB/$tab/g" "${f%.txt}.args")
	fi
	# Split the options at spaces only, so that a tab stays one argument.
	if (IFS=' '; set -f; exec perl "$script" $args) <"$f" >"${f%.txt}.conlleval.tmp"; then
		mv "${f%.txt}.conlleval.tmp" "${f%.txt}.conlleval"
	else
		rm -f "${f%.txt}.conlleval.tmp"
		echo "conlleval.pl rejected $f" >&2
	fi
done
