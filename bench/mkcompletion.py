#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Writes the bash completion of walkbench on stdout, from the binary itself:
verbs, subcommands and options from --help (made from each verb's option
table), suites, kernels, parameters and their values from `list --json`
(the kernel registry). The script it writes calls nothing at completion
time, so a tab costs no run of walkbench.

usage: mkcompletion.py WALKBENCH > walkbench.bash
"""
import json
import re
import subprocess
import sys

OPT = re.compile(r"^  (-\S.*?)(?:  +\S.*)?$")
CMD = re.compile(r"^  ([a-z][a-z0-9-]*)  +\S.*$")


def run(exe, args):
    r = subprocess.run([exe] + args, capture_output=True, text=True,
                       check=False)
    if r.returncode != 0:
        sys.exit(f"mkcompletion: walkbench {' '.join(args)} exited "
                 f"{r.returncode}")
    return r.stdout


def options(text):
    """{name: arg} of every option in a --help text; arg "" for a flag."""
    out = {}
    for line in text.splitlines():
        m = OPT.match(line)
        if not m:
            continue
        left = m.group(1).strip()
        names, _, arg = left.partition(" ")
        if names.endswith(","):  # "-p, --param V"
            alias = names[:-1]
            names, _, arg = arg.partition(" ")
            out[alias] = arg
        out[names] = arg
    return out


def subcommands(text):
    lines = text.splitlines()
    if any(OPT.match(l) for l in lines):
        return []
    return [m.group(1) for m in map(CMD.match, lines) if m]


def size(v):
    for unit, shift in (("T", 40), ("G", 30), ("M", 20), ("K", 10)):
        if v >= 1 << shift and v % (1 << shift) == 0:
            return f"{v >> shift}{unit}"
    return str(v)


def values(p):
    """What --param NAME= takes: its named values where the registry has
    them, else its choices, sizes written as sizes."""
    out = []
    names = p.get("names")
    if isinstance(names, dict):
        out += list(names)
    elif isinstance(names, list):
        out += [n if isinstance(n, str) else n.get("name", "")
                for n in names]
    for c in p.get("choices") or []:
        if isinstance(c, str):
            out.append(c)
        elif p.get("unit") in ("pagesize", "bytes"):
            out.append(size(int(c)))
        else:
            out.append(str(c))
    return [v for v in dict.fromkeys(out) if v]


def kind(name, arg):
    """How the value of an option completes."""
    if not arg:
        return "flag"
    if "=" in arg:
        return "param"
    if name == "--kernel":
        return "kernel"
    if "|" in arg:
        return "words " + " ".join(arg.split("|"))
    if "FILE" in arg:
        return "file"
    if "DIR" in arg:
        return "dir"
    return "any"


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mkcompletion.py WALKBENCH")
    exe = sys.argv[1]
    verbs = subcommands(run(exe, ["--help"]))
    kernels = json.loads(run(exe, ["list", "--json"]))
    suites = sorted({k["suite"] for k in kernels})
    params = {}
    for k in kernels:
        for p in k["params"]:
            params.setdefault(p["name"], [])
            params[p["name"]] += values(p)
            params[k["name"] + "." + p["name"]] = values(p)

    tables = {}  # "verb" or "verb sub" -> (options, takes SUITE|KERNEL)
    subs = {}
    for v in verbs:
        text = run(exe, [v, "--help"])
        s = subcommands(text)
        if s:
            subs[v] = s
            for sub in s:
                t = run(exe, [v, sub, "--help"])
                tables[f"{v} {sub}"] = (options(t), "SUITE|KERNEL" in t)
        else:
            tables[v] = (options(text), "SUITE|KERNEL" in text)

    o = ["# bash completion for walkbench; written by bench/mkcompletion.py",
         "# from the binary's --help and list --json: do not edit.", "",
         "_walkbench_verbs=" + q(" ".join(verbs)),
         "_walkbench_targets=" + q(" ".join(dict.fromkeys(
             suites + [k["name"] for k in kernels]))),
         "_walkbench_kernels=" + q(" ".join(k["name"] for k in kernels)),
         "_walkbench_params=" + q(" ".join(n + "=" for n in params)), "",
         "_walkbench_subs() {", '\tcase "$1" in']
    for v, s in subs.items():
        o.append(f"\t{v}) echo {q(' '.join(s))} ;;")
    o += ["\tesac", "}", "", "_walkbench_opts() {", '\tcase "$1" in']
    for key, (opts, _) in tables.items():
        o.append(f"\t{q(key)}) echo {q(' '.join(opts))} ;;")
    o += ["\tesac", "}", "", "_walkbench_takes_targets() {",
          '\tcase "$1" in']
    o += [f"\t{q(k)}) return 0 ;;" for k, (_, t) in tables.items() if t]
    o += ["\tesac", "\treturn 1", "}", "",
          "# how the value of option $2 of $1 completes",
          "_walkbench_value() {", '\tcase "$1 $2" in']
    for key, (opts, _) in tables.items():
        for name, arg in opts.items():
            o.append(f"\t{q(key + ' ' + name)}) echo {q(kind(name, arg))} ;;")
    o += ["\t*) echo none ;;", "\tesac", "}", "",
          "_walkbench_param_values() {", '\tcase "$1" in']
    for name, vals in params.items():
        if vals:
            o.append(f"\t{q(name)}) echo "
                     f"{q(' '.join(dict.fromkeys(vals)))} ;;")
    o += ["\tesac", "}", ""]
    o.append(TAIL)
    sys.stdout.write("\n".join(o) + "\n")


TAIL = r'''# COMPREPLY from the words in $2 that start with $1; bash replaces only
# what follows the last '=' (COMP_WORDBREAKS), so that part is dropped
_walkbench_reply() {
	local cur=$1 pre
	COMPREPLY=($(compgen -W "$2" -- "$cur"))
	if [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
		pre=${cur%"${cur##*=}"}
		COMPREPLY=("${COMPREPLY[@]#"$pre"}")
	fi
}

_walkbench_param() {
	local cur=$1 name vals
	if [[ $cur != *=* ]]; then
		_walkbench_reply "$cur" "$_walkbench_params"
		compopt -o nospace 2>/dev/null
		return
	fi
	name=${cur%%=*}
	vals=$(_walkbench_param_values "$name")
	[ -z "$vals" ] && vals=$(_walkbench_param_values "${name#*.}")
	_walkbench_reply "$cur" "$(for v in $vals; do echo "$name=$v"; done)"
}

_walkbench() {
	local line=${COMP_LINE:0:COMP_POINT} cur prev key kind subs n
	local -a w
	read -ra w <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && w+=("")
	n=${#w[@]}
	cur=${w[n - 1]}
	prev=
	((n >= 2)) && prev=${w[n - 2]}
	COMPREPLY=()
	if ((n <= 2)); then
		_walkbench_reply "$cur" "$_walkbench_verbs --help --version"
		return
	fi
	key=${w[1]}
	subs=$(_walkbench_subs "$key")
	if [ -n "$subs" ]; then
		if ((n == 3)); then
			_walkbench_reply "$cur" "$subs --help"
			return
		fi
		key="$key ${w[2]}"
	fi
	if [[ $prev == -* ]]; then
		kind=$(_walkbench_value "$key" "$prev")
		case $kind in
		param) _walkbench_param "$cur"; return ;;
		kernel) _walkbench_reply "$cur" "$_walkbench_kernels"; return ;;
		words\ *) _walkbench_reply "$cur" "${kind#words }"; return ;;
		file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		any) return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		_walkbench_reply "$cur" "$(_walkbench_opts "$key") --help"
	elif _walkbench_takes_targets "$key"; then
		_walkbench_reply "$cur" "$_walkbench_targets"
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _walkbench walkbench'''

main()
