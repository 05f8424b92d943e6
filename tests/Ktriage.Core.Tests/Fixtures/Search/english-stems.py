#!/usr/bin/python3
"""Regenerates english-stems.txt, the fixture of EnglishStemmerTests: words and their stems by the reference
implementation, Snowball 2.2.0's English stemmer as Debian ships it (apt-get install python3-snowballstemmer; run with
/usr/bin/python3, which is the Python that package installs into).

The words: a hand-made list (Snowball's and Porter's sample words, every exceptional form, apostrophes, y's, kernel
words, non-ASCII and non-BMP characters), then words of the Linux 6.1 documentation (Debian's linux-source-6.1
tarball) picked so that every rewrite the stemmer makes (step, removed text, added text) appears at least a few times,
the most frequent words first.

Usage: english-stems.py [LINUX_SOURCE_TARBALL] > english-stems.txt
"""
import collections
import re
import subprocess
import sys

import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer

CURATED = """
consign consigned consigning consignment consist consisted consistency consistent consistently consisting consists
consolation consolations consolatory console consoled consoles consolidate consolidated consolidating consoling
consolingly consols consonant consort consorted consorting conspicuous conspicuously conspiracy conspirator
conspirators conspire conspired conspiring constable constables constance constancy constant knack knackeries knacks
knag knave knaves knavish kneaded kneading knee kneel kneeled kneeling kneels knees knell knelt knew knick knif knife
knight knightly knights knit knits knitted knitting knives knob knobs knock knocked knocker knockers knocking knocks
knopp knot knots
caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping tanned
falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer
conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness
hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical
hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement
adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate
cease controll roll generate generously generic generation communication communism communities arsenal arsenic
general generalization
skis skies dying lying tying idly gently ugly early only singly sky news howe atlas cosmos bias andes
inning innings outing outings canning cannings herring herrings earring earrings proceed proceeds exceed exceeds
succeed succeeds proceeding exceeding succeeding beginning beginnings dyings skiing skied ski dies died lie lies lied
tie tied ties uglier ugliest earlier earliest newsy biases atlases
youth yelling yellow boyish sayings enjoying enjoyed employ employs toying buyer ayy ayyy yay yyy yy sayy yeast yes
crying cried cries dry dryly dryer happily happiness play playing played plays obeys obeyed guy guys yoyo
dog's dogs' dogs's 'cause o'clock it's don't isn't cc'd maintainer's maintainers' 'hello ''abc '''s 's ' '' rock'n'roll
apologies apology biology analogy analogies carelessly hopefully probably currently famously recklessly
badly sadly deadly lovely nicely kindly timely hardly easily usually generally finally really actually
ability abilities possibility possibilities probability compatibility responsibility visibility availability
agency agencies urgency emergency tendency frequency latency latencies dependency dependencies
relevancy discrepancy discrepancies redundancy occupancy efficiency
organization organizations initialization serialization synchronization localization
rationally nationality operational operationally traditional additionally
activity activities sensitivity productivity connectivity negativity
predicate indicate indicated indicating communicate duplicate duplicated duplicating
hoping hoped hope hop hopped hops hoper coping coped cope filed files file fil filer
agreement agreed agreeing agree freed freeing free frees feeds needed needing need speed speedily speeding
mention mentioned mentioning question questions position positional emotion emotional
io_uring kfree kmalloc kzalloc vmalloc refcount refcounts refcounted refcounting locking locked lock locks unlock
unlocked unlocking freed fixes fixed fixing fix fixup fixups regression regressions regressed regressing spinlock
spinlocks spinlocking unmapped unmapping unmap mmap mmapped x86_64 v5.10 v6.1 arm64 i386 ppc64le syzbot syzkaller
kasan kcsan ubsan lockdep rcu netdev ext4 btrfs xfs nvme virtio sqpoll sqes cqes iopoll iowq io_wq io_req io_kiocb
config_io_uring config_kasan config_debug_info config_lockdep config_prove_locking config_smp config_preempt_rt
config_debug_atomic_sleep config_net_ns config_bpf_syscall use-after-free null-ptr-deref slab-out-of-bounds
warning bug oops panic tainted reported reproducer reproducers bisected bisection bisecting backported backporting
stable maintainers maintainer reviewed acked signed tested suggested cleanup cleanups refactoring refactored
__init __exit __user __rcu _copy_from_user copy_to_user a_b a__ ___ _ing _ed 1st 2nd 3rd 42 007 0x1f 0xdeadbeef
123ing 12ies 9s a1s a1ed ab1y 1y 11y x1y 3ly 4ily
a ab abc ed ing ies ied ies sses ss us s y ay ey iy oy uy yy ie ied eed ing edly ingly eedly bly ogi li
café naïve résumés straße über fiancée données 𝒳ies 𝒳𝒳ies ab𝒳y 𝒳ay 𝒳𝒳ing a𝒳ing 😀ing 😀😀s ￿ies
"""


class Tracing(EnglishStemmer):
    """Records each rewrite (step, removed text, added text) a word goes through."""

    def __init__(self):
        super().__init__()
        self.trace = []
        for name in ("__r_prelude", "__r_Step_1a", "__r_Step_1b", "__r_Step_1c", "__r_Step_2", "__r_Step_3",
                     "__r_Step_4", "__r_Step_5", "__r_exception1", "__r_exception2", "__r_postlude"):
            attr = "_EnglishStemmer" + name
            setattr(self, attr, self._wrap(name[4:], getattr(self, attr)))

    def _wrap(self, step, fn):
        def wrapped():
            before = self.current
            result = fn()
            after = self.current
            if after != before and step in ("prelude", "postlude"):
                self.trace.append((step, "", ""))
            elif after != before:
                common = 0
                while common < min(len(before), len(after)) and before[common] == after[common]:
                    common += 1
                self.trace.append((step, before[common:], after[common:]))
            elif step == "exception2" and result:
                self.trace.append((step, before, ""))
            return result
        return wrapped

    def rewrites(self, word):
        self.trace = []
        self.stemWord(word)
        # The stem of a rule matters, not of the word: key on the rewritten tail, at most 8 chars.
        return {(s, a[-8:], b[-8:]) for s, a, b in self.trace}


def corpus_words(tarball):
    text = subprocess.run(["tar", "-xJOf", tarball, "--wildcards", "linux-source-6.1/Documentation/*.rst"],
                          check=True, capture_output=True).stdout.decode("utf-8", "replace")
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_']*[A-Za-z0-9_]", text))


def main():
    tarball = sys.argv[1] if len(sys.argv) > 1 else "/usr/src/linux-source-6.1.tar.xz"
    stemmer = snowballstemmer.stemmer("english")
    tracing = Tracing()
    words = list(dict.fromkeys(CURATED.split()))
    chosen = set(words)
    seen = collections.Counter()
    for w in words:
        seen.update(tracing.rewrites(w))
    counts = corpus_words(tarball)
    # Each rewrite a few times, and each combination of rewrites a word goes through (step 2 then 3, 1b then 4, ...).
    per_rule, per_path = 20, 8
    paths = collections.Counter(frozenset(tracing.rewrites(w)) for w in words)
    for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if w in chosen:
            continue
        rewrites = tracing.rewrites(w)
        if any(seen[r] < per_rule for r in rewrites) or paths[frozenset(rewrites)] < per_path:
            chosen.add(w)
            words.append(w)
            seen.update(rewrites)
            paths[frozenset(rewrites)] += 1
    print("# Words and their stems by Snowball 2.2.0's English stemmer (Debian's python3-snowballstemmer),")
    print("# made by english-stems.py beside this file: a hand-made list, then words of the Linux 6.1")
    print("# Documentation/*.rst covering each rewrite of the algorithm. One 'word<TAB>stem' a line.")
    for w in words:
        print(f"{w}\t{stemmer.stemWord(w)}")


if __name__ == "__main__":
    main()
