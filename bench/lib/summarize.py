#!/usr/bin/env python3
"""Summarize raw.csv (one row per measurement) into markdown tables of medians.

usage: summarize.py [--compact] RAW.csv [RAW2.csv ...]   (rows from later
files win for the same topo/n/builder/rep).  --compact: one line per
(topology, N) with "deploy / destroy / destroy+sync" ms per builder.

Also importable (bench/lib/mkdoc.py): load(), Data, full_tables(),
ratio_tables(), acceptance(), problems().

Definitions
  ms/node   median time / number of namespaces of the topology (`nodes=` in
            raw.csv's extra column = the spec's `ns` lines: star/chain N,
            clos N hosts + leaves + spines; older files without it: N).
  ratio     computed per repetition between two builders of the *same* run
            and repetition number (same machine state, interleaved), then the
            median of those ratios; only repetitions where both are ok count.
  ok        repetitions whose deploy succeeded, whose `check` pings all
            passed, and after whose destroy (+ kernel barrier) nothing was left
            (/run/netns/bn*, root links bn*, /etc/netns/bn*, nslab lab state,
            Mininet processes), over all repetitions attempted.
"""
import csv
import statistics
import sys

ORDER = ["ipcmd", "ipbatch", "mininet", "cfloor", "nslab", "ipcmd-exec"]
LABEL = {"ipcmd": "B1 ip-per-command", "ipcmd-exec": "B1x ip netns exec (course style)",
         "ipbatch": "B2 ip-batch", "mininet": "B3 mininet", "cfloor": "B4 c-floor",
         "nslab": "nslab"}
SHORT = {"ipcmd": "B1 ip-cmd", "ipcmd-exec": "B1x ip netns exec", "ipbatch": "B2 ip-batch",
         "mininet": "B3 mininet", "cfloor": "B4 c-floor", "nslab": "nslab"}
TORDER = ["star", "star-noipv6", "chain", "chain-noipv6", "clos"]
TITLE = {"star": "T1 star (kernel defaults, IPv6 autoconf on)",
         "star-noipv6": "T1 star, IPv6 disabled in the hosts",
         "chain": "T2 chain (kernel defaults)",
         "chain-noipv6": "T2 chain, IPv6 disabled",
         "clos": "T3 clos (leaf/spine fabric; N = hosts, nodes = hosts + leaves + spines)"}


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    if x is None:
        return "–"
    if nd == 0:
        return "%d" % round(x)
    return ("%%.%df" % nd) % x


def topo_key(t):
    return (TORDER.index(t) if t in TORDER else 9, t)


def bkey(b):
    return ORDER.index(b) if b in ORDER else 99


def parse_extra(s):
    d = {}
    for kv in (s or "").split(";"):
        if "=" in kv:
            k, v = kv.split("=", 1)
            d[k] = v
    return d


def load(paths):
    rows = {}
    for path in paths:
        with open(path) as f:
            for r in csv.DictReader(f):
                rows[(r["topo"], r["n"], r["builder"], r["rep"])] = r
    return Data(rows)


class Data:
    """cells[(topo, n, b)] = {dep, des, sync: [ms], extra: {k: [float]}, reps: {rep: row}}
    status[(topo, n, b)]  = [non-ok statuses of attempted runs]
    skipped[(topo, n, b)] = skip reason (rows with rep 0 / status skipped-*)"""

    def __init__(self, rows):
        self.rows = rows
        self.cells, self.status, self.skipped, self.failed = {}, {}, {}, {}
        self.idle = []
        self.nodes = {}
        for (topo, n, b, rep), r in sorted(rows.items()):
            if topo == "idle":
                self.idle.append(float(r["destroy_sync_ms"]))
                continue
            key = (topo, int(n), b)
            ex = parse_extra(r.get("extra"))
            if "nodes" in ex:
                self.nodes[(topo, int(n))] = int(ex["nodes"])
            if r["status"].startswith("skipped"):
                self.skipped[key] = r["status"]
                continue
            if r["status"] != "ok":
                self.status.setdefault(key, []).append(r["status"])
                self.failed.setdefault(key, []).append((rep, r["status"], ex))
                continue
            c = self.cells.setdefault(key, {"dep": [], "des": [], "sync": [], "extra": {}, "reps": {}})
            c["dep"].append(float(r["deploy_ms"]))
            c["des"].append(float(r["destroy_ms"]))
            c["sync"].append(float(r["destroy_sync_ms"]))
            c["reps"][rep] = {"dep": float(r["deploy_ms"]), "sync": float(r["destroy_sync_ms"]),
                              "des": float(r["destroy_ms"])}
            for k, v in ex.items():
                try:
                    c["extra"].setdefault(k, []).append(float(v))
                except ValueError:
                    pass

    def n_nodes(self, topo, n):
        return self.nodes.get((topo, n), n)

    def topos(self):
        return sorted({k[0] for k in list(self.cells) + list(self.status) + list(self.skipped)},
                      key=topo_key)

    def ns_of(self, topo):
        return sorted({k[1] for k in list(self.cells) + list(self.status) + list(self.skipped)
                       if k[0] == topo})

    def builders(self):
        return sorted({k[2] for k in list(self.cells) + list(self.status)}, key=bkey)

    def median(self, topo, n, b, what):
        c = self.cells.get((topo, n, b))
        return med(c[what]) if c else None

    def ratio(self, topo, n, num, den, what):
        """median over repetitions of num/den (same rep number); (value, pairs)"""
        a, b = self.cells.get((topo, n, num)), self.cells.get((topo, n, den))
        if not a or not b:
            return None, 0
        rs = [a["reps"][r][what] / b["reps"][r][what] for r in a["reps"]
              if r in b["reps"] and b["reps"][r][what] > 0]
        return med(rs), len(rs)

    def ok_count(self, key):
        c = self.cells.get(key)
        ok = len(c["dep"]) if c else 0
        return ok, ok + len(self.status.get(key, []))


def compact(d):
    """One line per (topology, N): 'deploy / destroy / destroy+sync' per builder."""
    bs = [b for b in d.builders() if any(k[2] == b for k in d.cells)]
    out = ["| topology | N | nodes | " + " | ".join(SHORT.get(b, b) for b in bs) + " |",
           "|---|---:|---:|" + "---:|" * len(bs)]
    for topo in d.topos():
        for n in d.ns_of(topo):
            row = []
            if not any((topo, n, b) in d.cells for b in bs):
                continue
            for b in bs:
                c = d.cells.get((topo, n, b))
                if not c:
                    row.append("–")
                    continue
                row.append("%s / %s / %s" % (fmt(med(c["dep"])), fmt(med(c["des"])), fmt(med(c["sync"]))))
            out.append("| %s | %d | %d | %s |" % (topo, n, d.n_nodes(topo, n), " | ".join(row)))
    return "\n".join(out)


def full_tables(d, level="###"):
    out = []
    for topo in d.topos():
        out.append("%s %s\n" % (level, TITLE.get(topo, topo)))
        out.append("| N | nodes | builder | ok | deploy ms | destroy ms | destroy+kernel-sync ms "
                   "| deploy ms/node | destroy+sync ms/node | nslab peak RSS KiB | settle ms (untimed) |")
        out.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        ns = d.ns_of(topo)
        for n in ns:
            nodes = d.n_nodes(topo, n)
            bs = sorted({k[2] for k in list(d.cells) + list(d.status) + list(d.skipped)
                         if k[0] == topo and k[1] == n}, key=bkey)
            for b in bs:
                key = (topo, n, b)
                c = d.cells.get(key)
                if key in d.skipped and not c and key not in d.status:
                    out.append("| %d | %d | %s | %s | | | | | | | |" % (
                        n, nodes, LABEL.get(b, b), d.skipped[key]))
                    continue
                ok, tot = d.ok_count(key)
                st = d.status.get(key, [])
                okcol = "%d/%d" % (ok, tot) + (" **(%s)**" % ", ".join(sorted(set(st))) if st else "")
                if not c:
                    out.append("| %d | %d | %s | %s | | | | | | | |" % (n, nodes, LABEL.get(b, b), okcol))
                    continue
                dm, x, s = med(c["dep"]), med(c["des"]), med(c["sync"])
                rss = med(c["extra"].get("nslab_peak_rss_kb", []))
                out.append("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    n, nodes, LABEL.get(b, b), okcol, fmt(dm), fmt(x), fmt(s),
                    fmt(dm / nodes, 2), fmt(s / nodes, 2), fmt(rss),
                    fmt(med(c["extra"].get("settle_ms", [])))))
        out.append("")
        mn = [(n, d.cells[(topo, n, "mininet")]) for n in ns if (topo, n, "mininet") in d.cells]
        if mn:
            out.append("Mininet internal (Python API) medians, ms:\n")
            out.append("| N | python import | construct (addHost/addSwitch/addLink) | net.build() "
                       "| net.start() | API deploy total | net.stop() | whole-process deploy | "
                       "whole-process destroy |")
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for n, c in mn:
                e = c["extra"]
                g = lambda k: fmt(med(e.get("mn_%s_ms" % k, [])))  # noqa: E731
                out.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    n, g("import"), g("construct"), g("build"), g("start"), g("deploy_api"),
                    g("stop"), fmt(med(c["dep"])), fmt(med(c["des"]))))
            out.append("")
    return "\n".join(out)


# (numerator, denominator, header) – "x/y" > 1 means y is faster
RATIOS = [("nslab", "cfloor", "nslab / c-floor"),
          ("mininet", "nslab", "mininet / nslab"),
          ("ipbatch", "nslab", "ip-batch / nslab"),
          ("ipcmd", "nslab", "ip-cmd / nslab")]


def ratio_tables(d, level="###"):
    """Per topology: median of per-repetition ratios, deploy and destroy+sync."""
    out = []
    rs = [r for r in RATIOS if any(k[2] == r[0] for k in d.cells) and any(k[2] == r[1] for k in d.cells)]
    if not rs:
        return ""
    for topo in d.topos():
        ns = [n for n in d.ns_of(topo) if any((topo, n, b) in d.cells for b in ("nslab",))]
        if not ns:
            continue
        out.append("%s Ratios – %s\n" % (level, topo))
        hdr = ["N"]
        for _, _, h in rs:
            hdr += ["%s deploy" % h, "%s destroy+sync" % h]
        out.append("| " + " | ".join(hdr) + " |")
        out.append("|---:|" + "---:|" * (2 * len(rs)))
        for n in ns:
            row = ["%d" % n]
            for num, den, _ in rs:
                for what in ("dep", "sync"):
                    v, k = d.ratio(topo, n, num, den, what)
                    row.append("–" if v is None else "%.2f (%d)" % (v, k))
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    return "\n".join(out)


def _cells(d, topos, ns, num, den, what, pred):
    """[(label, value-text, pass?)] for each measured (topo, n)"""
    res = []
    for t in topos:
        for n in ns:
            v, k = d.ratio(t, n, num, den, what)
            if v is None:
                continue
            res.append(("%s %d" % (t, n), "%.2f×" % v, pred(v)))
    return res


def _verdict(items, want):
    """items: [(label, text, ok)]; want: labels that must be present"""
    got = {i[0] for i in items}
    missing = [w for w in want if w not in got]
    if not items:
        return "NOT MEASURED", "–"
    txt = "; ".join("%s: %s%s" % (lab, t, "" if ok else " ✗") for lab, t, ok in items)
    if missing:
        txt += "; not measured: " + ", ".join(missing)
    v = "PASS" if all(ok for _, _, ok in items) else "FAIL"
    if missing and v == "PASS":
        v = "PASS (partial)"
    return v, txt


def acceptance(d):
    """[(criterion, measured, verdict)] for the acceptance points of the
    "Speed at scale" issue, evaluated on nslab's data in d."""
    A = []
    sc = ["star", "chain"]
    big = [500, 1000]
    want_sc = ["%s %d" % (t, n) for t in sc for n in big]
    alltopos = [t for t in ["star", "chain", "clos"] if t in d.topos()]
    want_all = ["%s %d" % (t, n) for t in alltopos for n in big]

    def row(crit, items, want):
        v, txt = _verdict(items, want)
        A.append((crit, txt, v))

    row("deploy: nslab ≤ 1.0× c-floor (star, chain; N = 500, 1000)",
        _cells(d, sc, big, "nslab", "cfloor", "dep", lambda v: v <= 1.0), want_sc)
    row("deploy: ≥ 10× faster than Mininet (mininet/nslab ≥ 10; N = 500, 1000)",
        _cells(d, alltopos, big, "mininet", "nslab", "dep", lambda v: v >= 10), want_all)
    row("deploy: ≥ 3× faster than ip-batch (ip-batch/nslab ≥ 3; N = 500, 1000)",
        _cells(d, alltopos, big, "ipbatch", "nslab", "dep", lambda v: v >= 3), want_all)
    row("destroy+kernel sync: nslab ≤ 1.0× c-floor (N = 500, 1000)",
        _cells(d, alltopos, big, "nslab", "cfloor", "sync", lambda v: v <= 1.0), want_all)
    row("destroy+kernel sync: ≥ 20× faster than Mininet (N = 500, 1000)",
        _cells(d, alltopos, big, "mininet", "nslab", "sync", lambda v: v >= 20), want_all)
    # ms/node at 2000 vs 100 (star cannot reach 2000: bridge port limit)
    items = []
    want = []
    for t in ("chain", "clos"):
        if t not in d.topos():
            continue
        want.append(t)
        a = d.median(t, 100, "nslab", "dep")
        b = d.median(t, 2000, "nslab", "dep")
        if a is None or b is None:
            continue
        pa, pb = a / d.n_nodes(t, 100), b / d.n_nodes(t, 2000)
        ca, cb = d.median(t, 100, "cfloor", "dep"), d.median(t, 2000, "cfloor", "dep")
        ref = ""
        if ca and cb:   # the kernel's own growth, for reference
            ref = " (c-floor: %.2f×)" % ((cb / d.n_nodes(t, 2000)) / (ca / d.n_nodes(t, 100)))
        items.append((t, "%.2f → %.2f ms/node = %.2f×%s" % (pa, pb, pb / pa, ref), pb / pa <= 1.3))
    row("deploy ms/node of nslab at N = 2000 within 1.3× of N = 100 (chain, clos; "
        "star is limited to N ≤ 1023)", items, want)
    # N = 5000
    items, want = [], []
    for t in ("chain", "clos"):
        if t not in d.topos():
            continue
        want.append(t)
        key = (t, 5000, "nslab")
        if key in d.cells:
            ok, tot = d.ok_count(key)
            items.append((t, "deployed, %d/%d ok, median %s ms" % (ok, tot, fmt(d.median(t, 5000, "nslab", "dep"))),
                          ok == tot))
        elif key in d.failed:
            rep, st, ex = d.failed[key][0]
            items.append((t, "%s: %s" % (st, ex.get("err", "?")), False))
        elif key in d.skipped:
            items.append((t, d.skipped[key], False))
    row("N = 5000 deploys (chain, clos; star: Linux bridge limit of 1024 ports, "
        "so N ≤ 1023)", items, want)
    # RSS at 1000
    items, want = [], []
    for t in alltopos:
        want.append(t)
        c = d.cells.get((t, 1000, "nslab"))
        if not c or not c["extra"].get("nslab_peak_rss_kb"):
            continue
        mx = max(c["extra"]["nslab_peak_rss_kb"])
        items.append((t, "max %.1f MiB" % (mx / 1024), mx <= 16 * 1024))
    row("nslab peak RSS at N = 1000 ≤ 16 MiB", items, want)
    # correctness
    nsl = [k for k in list(d.cells) + list(d.status) if k[2] == "nslab"]
    ok = sum(d.ok_count(k)[0] for k in nsl)
    tot = sum(d.ok_count(k)[1] for k in nsl)
    allk = list(d.cells) + list(d.status)
    aok = sum(d.ok_count(k)[0] for k in set(allk))
    atot = sum(d.ok_count(k)[1] for k in set(allk))
    A.append(("correctness: after every deploy the sample pings succeed and destroy "
              "leaves nothing", "nslab %d/%d runs ok; all builders %d/%d" % (ok, tot, aok, atot),
              "PASS" if tot and ok == tot else ("NOT MEASURED" if not tot else "FAIL")))
    return A


def acceptance_table(d):
    out = ["| # | criterion | measured (median of per-repetition ratios) | verdict |",
           "|---:|---|---|---|"]
    for i, (c, m, v) in enumerate(acceptance(d), 1):
        out.append("| %d | %s | %s | **%s** |" % (i, c, m, v))
    return "\n".join(out)


def problems(d):
    """Markdown bullet list of every non-ok run and every skip."""
    out = []
    for key in sorted(d.failed, key=lambda k: (topo_key(k[0]), k[1], bkey(k[2]))):
        for rep, st, ex in d.failed[key]:
            detail = []
            if ex.get("err"):
                detail.append("error: `%s`" % ex["err"].strip())
            if ex.get("left"):
                detail.append("left after destroy: %s" % ex["left"].replace("+", " "))
            if ex.get("left_after_fail") and ex["left_after_fail"] != "none":
                detail.append("left after the failed deploy: %s" % ex["left_after_fail"].replace("+", " "))
            out.append("* %s N=%d %s rep %s: **%s**%s" % (key[0], key[1], key[2], rep, st,
                                                          (" – " + "; ".join(detail)) if detail else ""))
    sk = {}
    for (t, n, b), why in d.skipped.items():
        sk.setdefault((t, why), []).append((n, b))
    for (t, why), lst in sorted(sk.items(), key=lambda x: topo_key(x[0][0])):
        ns = sorted({n for n, _ in lst})
        bs = sorted({b for _, b in lst}, key=bkey)
        out.append("* skipped: %s N=%s, %s: %s" % (t, ",".join(map(str, ns)), " ".join(bs), why))
    return "\n".join(out)


def main():
    want_compact = "--compact" in sys.argv
    d = load([a for a in sys.argv[1:] if a != "--compact"])
    if want_compact:
        print(compact(d))
        return
    out = []
    if d.idle:
        out.append("Idle barrier cost (destroy_sync floor for an empty topology): "
                   "median %s ms over %d runs.\n" % (fmt(med(d.idle)), len(d.idle)))
    out.append(full_tables(d))
    r = ratio_tables(d)
    if r:
        out.append(r)
    p = problems(d)
    if p:
        out.append("Runs that were not ok, and skips:\n\n" + p + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
