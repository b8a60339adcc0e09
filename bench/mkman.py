#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Writes walkbench(1) and one walkbench-VERB(1) per verb into OUTDIR, from
what the binary prints for --help: that text is made by one printer from
each verb's option table (bench/opt.c), so a page and --help cannot tell
different stories. A verb with subcommands gets one section per subcommand.

usage: mkman.py WALKBENCH OUTDIR
"""
import re
import subprocess
import sys

# "  -p, --param [K.]NAME=V   help": an option's first line in --help
OPT = re.compile(r"^  (-\S.*?)(?:  +(\S.*))?$")
# "  run      run suites ...": a verb or subcommand in a list
CMD = re.compile(r"^  ([a-z][a-z0-9-]*)  +(\S.*)$")


def helptext(exe, args):
    r = subprocess.run([exe] + args + ["--help"], capture_output=True,
                       text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"mkman: {' '.join(args)} --help exited {r.returncode}")
    return r.stdout


def esc(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    # a line starting with . or ' is a request to roff
    return "\\&" + s if s[:1] in (".", "'") else s


def commands(text):
    """The (name, help) list of a command list, or [] for an option table."""
    return [m.groups() for m in map(CMD.match, text.splitlines()) if m]


def is_dispatch(text):
    # a command list has no option lines, only "  name  help" lines
    lines = text.splitlines()
    return any(CMD.match(l) for l in lines) and not any(
        OPT.match(l) for l in lines)


def body(text, usage):
    """roff of one --help text (its usage line only when @usage): prose
    as is, options as tagged paragraphs, a command list as one too."""
    out = ["\\fB" + esc(text.splitlines()[0][7:]) + "\\fR"] if usage else []
    lines = text.splitlines()[1:]
    opt = None
    for line in lines:
        m = OPT.match(line)
        if m:
            opt = len(line) - len(m.group(2) or "") if m.group(2) else None
            out += [".TP", "\\fB" + esc(m.group(1).strip()) + "\\fR"]
            if m.group(2):
                out.append(esc(m.group(2)))
            continue
        if opt is not None and line.startswith(" " * opt) and line.strip():
            out.append(esc(line.strip()))
            continue
        opt = None
        c = CMD.match(line)
        if c:
            out += [".TP", "\\fB" + esc(c.group(1)) + "\\fR", esc(c.group(2))]
        elif not line.strip():
            out.append(".PP")
        else:
            out.append(esc(line))
    return out


def page(name, about, version, usage, parts, see):
    out = [f'.TH {name.upper()} 1 "" "walkbench {version}" '
           '"walkbench manual"', ".SH NAME", f"{esc(name)} \\- {esc(about)}",
           ".SH SYNOPSIS", "\\fB" + esc(usage) + "\\fR"]
    for i, (title, text) in enumerate(parts):
        out.append(".SH " + esc(title))
        out += body(text, i > 0)
    out += [".SH SEE ALSO", ",\n".join(f"\\fB{s}\\fR(1)" for s in see)]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkman.py WALKBENCH OUTDIR")
    exe, outdir = sys.argv[1:]
    version = subprocess.run([exe, "--version"], capture_output=True,
                             text=True, check=True).stdout.split()[1]
    top = helptext(exe, [])
    verbs = commands(top)
    names = ["walkbench-" + v for v, _ in verbs]
    with open(f"{outdir}/walkbench.1", "w") as f:
        f.write(page("walkbench", "what address translation costs on this "
                     "machine", version, top.splitlines()[0][7:],
                     [("DESCRIPTION", top)], names))
    for verb, about in verbs:
        text = helptext(exe, [verb])
        parts = [("DESCRIPTION", text)]
        if is_dispatch(text):
            for sub, _ in commands(text):
                parts.append((f"{verb} {sub}".upper(),
                              helptext(exe, [verb, sub])))
        see = ["walkbench"] + [n for n in names if n != "walkbench-" + verb]
        with open(f"{outdir}/walkbench-{verb}.1", "w") as f:
            f.write(page("walkbench-" + verb, about, version,
                         text.splitlines()[0][7:], parts, see))


main()
