#!/usr/bin/env python3
"""Regenerates the shape-*.txt and opts-*.txt inputs of this folder (Python
3, no dependencies), with the conlleval.pl options of each opts-* file in
opts-*.args (TAB stands for a tab). Their expected outputs, *.conlleval,
come from conlleval.pl through regen-conlleval.sh.

The files cover every kind of tag conlleval.pl accepts (issue 10, rows 5,
6 and 22): tags without prefix, S-, E-, mixed B/I/E, ".", "[", "]", the
type "_" beside untyped tags, IO tags, lower-case prefixes, a type "0",
carriage returns, tabs inside words, and the options -r, -o, -d and -l."""
import random


def write(name, lines, args=None):
    with open(name, "w", newline="") as f:
        f.write("".join(line + "\n" for line in lines))
    if args is not None:
        with open(name[:-4] + ".args", "w") as f:
            f.write(args + "\n")


def rand_lines(rng, prefixes, types, nsent, maxlen, sep=" ", boundaries=("",)):
    def tag():
        p = rng.choice(prefixes)
        if p in ("O", ".", "[", "]") and rng.random() < 0.7:
            return p
        if p == "":
            return rng.choice(types) or "O"
        t = rng.choice(types)
        return p if t is None else p + "-" + t

    lines = []
    for s in range(nsent):
        if s > 0:
            lines.append(rng.choice(boundaries))
        for i in range(rng.randint(1, maxlen)):
            g = tag()
            p = tag() if rng.random() < 0.35 else g
            lines.append(sep.join([f"w{s}_{i}", "X", g, p]))
    return lines


# The examples of issue 10.
write("shape-issue5-s.txt", ["a S-PER S-PER", "b S-PER S-PER", "c O S-LOC"])
write("shape-issue6-underscore.txt", ["a B-_ B-_", "b I I-_"])

rng = random.Random(20261201)
ALL = ["B", "I", "E", "S", "O", "O", ".", "[", "]", "b", "i", "x", ""]
TYPES = ["PER", "LOC", "_", None, "0", "ORG-X", ""]
for k in range(6):
    write(f"shape-mixed-{k}.txt", rand_lines(rng, ALL, TYPES, 40, 15, boundaries=("", "-X- -X- O O", "   ")))
write("shape-bie.txt", rand_lines(rng, ["B", "I", "E", "O"], ["PER", "LOC", None], 60, 15))
write("shape-bioes.txt", rand_lines(rng, ["B", "I", "E", "S", "O", "O"], ["PER", "LOC", "MISC"], 60, 15))
write("shape-io-bare.txt", rand_lines(rng, ["", "", "O"], ["PER", "LOC", "ORG"], 60, 15))
write("shape-io-mixed.txt", rand_lines(rng, ["", "I", "O"], ["PER", "LOC"], 60, 15))
write("shape-brackets.txt", rand_lines(rng, ["[", "]", ".", "O", "B", "I"], ["NP", "VP", None], 60, 12))
write("shape-lower.txt", rand_lines(rng, ["b", "i", "o", "B", "I", "O"], ["per", "loc"], 40, 12))
crlf = rand_lines(rng, ["B", "I", "O", "O"], ["PER", "LOC"], 1, 30)  # a blank line would be "\r", which conlleval.pl rejects
write("shape-crlf.txt", [line + "\r" for line in crlf])
write("shape-tab-in-word.txt", [line.replace("X", "X\tY", 1) for line in rand_lines(rng, ["B", "I", "O"], ["PER"], 20, 10)])

# The options.
write("opts-raw.txt", rand_lines(rng, ["", "", "O"], ["PER", "LOC", "B-PER", "I-X"], 40, 12), "-r")
write("opts-raw-outside.txt", rand_lines(rng, ["", "", "O"], ["PER", "LOC", "OUT"], 40, 12), "-r -o OUT")
write("opts-outside-only.txt", rand_lines(rng, ["B", "I", "O"], ["PER", "OUT"], 30, 12), "-o OUT")
write("opts-latex.txt", rand_lines(rng, ALL, TYPES, 40, 12), "-l")
write("opts-latex-raw.txt", rand_lines(rng, ["", "O"], ["PER", "LOC", "MISC_LONG_NAME"], 30, 12), "-l -r")
write("opts-latex-empty.txt", [], "-l")
write("opts-delim-tab.txt", rand_lines(rng, ["B", "I", "O"], ["PER", "LOC"], 30, 12, sep="\t"), "-d TAB")
write("opts-delim-comma.txt", rand_lines(rng, ["B", "I", "E", "O"], ["PER", "LOC"], 30, 12, sep=","), "-d ,")
write("opts-delim-class.txt", [line.replace(" ", rng.choice([",", ";"])) for line in rand_lines(rng, ["B", "I", "O"], ["PER"], 30, 12)], "-d [,;]")
write("opts-delim-capture.txt", rand_lines(rng, ["B", "I", "O"], ["PER"], 20, 12, sep=","), "-d (,)")
write("opts-delim-runs.txt", rand_lines(rng, ["B", "I", "O"], ["PER", "LOC"], 30, 12, sep="  "), "-d \\x20+")
