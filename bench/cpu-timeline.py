#!/usr/bin/env python3
# bench/cpu-timeline.py CMD...: runs CMD and prints, per 0.5 s, the cores its threads and child processes used
# (tp = .NET thread pool: parse workers, store, links; fts = index thread; git; jit = tiered compilation).
# Shows whether a run is CPU-bound on both cores (then wall time = total CPU / cores) or waits somewhere.
import subprocess, sys, time, os, collections
tick = os.sysconf('SC_CLK_TCK')
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def threads():
    out = {}
    kids = []
    try:
        for t in os.listdir(f'/proc/{p.pid}/task'): kids += [int(x) for x in open(f'/proc/{p.pid}/task/{t}/children').read().split()]
    except Exception: pass
    for pid in [p.pid] + kids:
        try:
            for t in os.listdir(f'/proc/{pid}/task'):
                s = open(f'/proc/{pid}/task/{t}/stat').read()
                name = s[s.index('(')+1:s.rindex(')')]
                f = s[s.rindex(')')+2:].split()
                out[(pid, int(t))] = (name, int(f[11]) + int(f[12]))
        except Exception: pass
    return out
start = time.time(); prev = {}; buckets = collections.defaultdict(collections.Counter)
while p.poll() is None:
    cur = threads(); now = time.time() - start
    b = int(now / 0.5)
    for k, (name, t) in cur.items():
        d = t - prev.get(k, (name, 0))[1]
        if d > 0:
            kind = 'git' if k[0] != p.pid else ('fts' if 'fts' in name else 'jit' if 'Tiered' in name else 'main' if name == 'ktriage' else 'gc' if 'GC' in name or 'Finalizer' in name else 'tp')
            buckets[b][kind] += d / tick
    prev = cur
    time.sleep(0.05)
kinds = ['tp', 'fts', 'git', 'jit', 'main', 'gc']
print('   t  cores  ' + '  '.join(f'{k:>4}' for k in kinds))
for b in sorted(buckets):
    c = buckets[b]; tot = sum(c.values()) / 0.5
    print(f'{b*0.5:4.1f}  {tot:5.2f}  ' + '  '.join(f'{c[k]/0.5:4.2f}' for k in kinds))
print('total', time.time() - start)
