#!/usr/bin/env python3
"""Regenerates the random-*.txt inputs of this folder (Python 3, no
dependencies). Their expected outputs, *.conlleval, come from conlleval.pl
through regen-conlleval.sh."""
import random


def rand_file(name, prefixes, types, nsent, maxlen, boundary):
    lines = []
    for s in range(nsent):
        if s > 0:
            lines.append(boundary(s))
        for i in range(random.randint(1, maxlen)):
            def tag():
                p = random.choice(prefixes)
                if p == "O":
                    return "O"
                t = random.choice(types)
                return p if t == "" else p + "-" + t
            g = tag()
            pr = tag() if random.random() < 0.3 else g
            lines.append(f"tok{s}_{i} X {g} {pr}")
    with open(name, "w") as f:
        f.write("".join(line + "\n" for line in lines))


random.seed(20261123)
rand_file("random-bio.txt", ["B", "I", "O", "O", "O"], ["PER", "LOC", "ORG", "MISC"], 120, 25, lambda s: "")
rand_file("random-eio.txt", ["E", "I", "O", "O", "O"], ["PER", "LOC", "ORG-COMPANY", ""], 120, 25,
          lambda s: "-X- -X- -X- O" if s % 3 == 0 else "")

# Mixed files: separators of spaces and -X- lines, untyped tags, a type "0"
# (false in Perl) and a type with '-'.
random.seed(77)
keep = {2: "random-type-zero.txt", 4: "random-hyphen-untyped.txt"}
for k in range(max(keep) + 1):
    pre = random.choice([["B", "I", "O", "O"], ["E", "I", "O", "O"]])
    types = random.choice([["PER", "LOC", "ORG", "MISC"], ["PER", ""], ["ORG-COMPANY", "LOC", ""], ["A", "B", "0"]])
    lines = []
    for s in range(random.randint(0, 30)):
        if s > 0:
            lines.append(random.choice(["", "-X- -X- O O", " "]))
        for i in range(random.randint(1, 20)):
            def tag():
                p = random.choice(pre)
                if p == "O":
                    return "O"
                t = random.choice(types)
                return p if t == "" else p + "-" + t
            g = tag()
            pr = tag() if random.random() < 0.4 else g
            lines.append(f"w{i} P {g} {pr}")
    if k in keep:
        with open(keep[k], "w") as f:
            f.write("".join(line + "\n" for line in lines))
