#!/usr/bin/env python3
"""check-list.py CONSOLE NONCE V UUID - check the `kx boot --list --json`
outputs kernel A of t-kxboot.sh printed (lines tagged KXJ: the whole scan,
KXG: /dev/vda2, KXS: /dev/vdb, KXI: /dev/vde) against what mkdisks.sh put on
the disks, and `kx boot /dev/vdb --dry-run --json --append=kxboot.appended=1 l1` (KXP). Prints what it checked; exits 1 listing every difference."""
import json
import sys

console, nonce, V, uuid = sys.argv[1:5]
OLD = "6.1.0-56-cloud-amd64"
bad = []


def doc(tag):
    text = "".join(line[len(tag) + 2:] for line in open(console, errors="replace").read().splitlines(True)
                   if line.startswith(tag + ": "))
    try:
        return json.loads(text)
    except ValueError as e:
        bad.append("%s: not JSON (%s): %r" % (tag, e, text[:300]))
        return None


def grub(kv, kind):
    return "gnulinux-%s-%s-%s" % (kv, kind, uuid)


# id -> (format, volume, number of initrds, command-line marker or None,
#        bootable, None or (reason_code, [words the reason must contain]))
E = {
    "kx-two": ("bls", "/dev/vda1", 2, "kxboot.entry=bls-two kxboot.nonce=" + nonce, True, None),
    "kx-mid": ("bls", "/dev/vda1", 1, "kxboot.entry=bls-mid", True, None),
    "a-older": ("bls", "/dev/vda1", 1, "kxboot.entry=bls-older", True, None),
    "kx-uki.efi": ("uki", "/dev/vda1", 0, "kxboot.entry=uki", True, None),
    "gnulinux-simple-" + uuid: ("grub", "/dev/vda2", 1, "kxboot.entry=grub-simple", True, None),
    grub(V, "advanced"): ("grub", "/dev/vda2", 1, "kxboot.entry=grub-new ", True, None),
    grub(V, "recovery"): ("grub", "/dev/vda2", 1, "single kxboot.entry=grub-new-recovery", True, None),
    grub(OLD, "advanced"): ("grub", "/dev/vda2", 1, "kxboot.entry=grub-old ", True, None),
    grub(OLD, "recovery"): ("grub", "/dev/vda2", 1, "kxboot.entry=grub-old-recovery", True, None),
    "l0": ("syslinux", "/dev/vdb", 1, "kxboot.entry=sys-l0 ", True, None),
    "l0r": ("syslinux", "/dev/vdb", 1, "kxboot.entry=sys-l0r", True, None),
    "l1": ("syslinux", "/dev/vdb", 2, "kxboot.entry=sys-l1 ", True, None),
    "l1r": ("syslinux", "/dev/vdb", 2, "kxboot.entry=sys-l1r", True, None),
    "vmlinuz-6.1.0-71-cloud-amd64": ("plain", "/dev/vdc", 1, None, True, None),
    "vmlinuz-6.1.0-72-cloud-amd64": ("plain", "/dev/vdd", 1, None, True, None),
    "live-amd64-failsafe": ("syslinux", "/dev/vde", 1, "kxboot.entry=iso-failsafe", True, None),
    "live-amd64": ("syslinux", "/dev/vde", 1, "kxboot.entry=iso-live ", True, None),
    "evil-symlink": ("bls", "/dev/vdf", 0, None, False, ("path", ["/vmlinuz-evil leads out of its file system"])),
    "evil-relative": ("bls", "/dev/vdf", 0, None, False, ("path", ["/boot/vmlinuz-up leads out of its file system"])),
    "inside-link": ("bls", "/dev/vdf", 0, None, True, None),
    "evil-dotdot": ("bls", "/dev/vdf", 1, None, False, ("path", ["/../../../etc/shadow leads out of its file system"])),
    "other-arch": ("bls", "/dev/vdf", 0, None, False, ("arch", ["another architecture (aa64"])),
    "no-initrd": ("bls", "/dev/vdf", 1, None, False, ("missing", ["/initrd-gone.img is missing"])),
}
# What each volume is (the scan must read every one of these file systems).
FSTYPE = {"/dev/vda1": "vfat", "/dev/vda2": "ext4", "/dev/vdb": "ext4", "/dev/vdc": "xfs",
          "/dev/vdd": "btrfs", "/dev/vde": "iso9660", "/dev/vdf": "ext4"}
# Listed or not, never bootable: GRUB's firmware-setup entry (no kernel).
MAYBE = {"uefi-firmware"}


def check_entries(tag, d, want):
    ents = d.get("entries")
    if not isinstance(ents, list):
        bad.append("%s: no entries list" % tag)
        return {}
    by = {}
    for i, e in enumerate(ents):
        eid = e.get("id")
        if e.get("index") != i:
            bad.append("%s: entry %r has index %r at position %d" % (tag, eid, e.get("index"), i))
        if eid in by:
            bad.append("%s: id %r listed twice" % (tag, eid))
        by[eid] = e
        if eid in MAYBE:
            if e.get("bootable"):
                bad.append("%s: %r should not be bootable" % (tag, eid))
            continue
        if eid not in want:
            bad.append("%s: unexpected entry %r (%s)" % (tag, eid, json.dumps(e)[:300]))
            continue
        fmt, vol, ninit, mark, boot, why = want[eid]
        if e.get("fstype") != FSTYPE[vol]:
            bad.append("%s: %s: fstype %r, expected %r" % (tag, eid, e.get("fstype"), FSTYPE[vol]))
        initrd = e.get("initrd")
        for k, got, exp in (("format", e.get("format"), fmt), ("volume", e.get("volume"), vol),
                            ("initrd count", len(initrd) if isinstance(initrd, list) else initrd, ninit),
                            ("bootable", e.get("bootable"), boot)):
            if got != exp:
                bad.append("%s: %s: %s is %r, expected %r" % (tag, eid, k, got, exp))
        cl = e.get("cmdline") or ""
        if mark and mark not in cl + " ":
            bad.append("%s: %s: cmdline %r lacks %r" % (tag, eid, cl, mark))
        if mark and "kxboot." in mark and "kxboot.nonce=" + nonce not in cl:
            bad.append("%s: %s: cmdline %r lacks the nonce" % (tag, eid, cl))
        reason = e.get("reason")
        if boot and reason is not None:
            bad.append("%s: %s: bootable, but reason is %r" % (tag, eid, reason))
        if why:
            code, words = why
            if e.get("reason_code") != code:
                bad.append("%s: %s: reason_code %r, expected %r" % (tag, eid, e.get("reason_code"), code))
            for w in words:
                if w not in str(reason):
                    bad.append("%s: %s: reason %r lacks %r" % (tag, eid, reason, w))
        for k in ("title", "kernel"):
            if not e.get(k) and eid not in ("other-arch",):
                bad.append("%s: %s: no %s" % (tag, eid, k))
    for eid in want:
        if eid not in by:
            bad.append("%s: entry %r is missing" % (tag, eid))
    return by


def check_default(tag, d, want_id, rule_word, timeout):
    ents = d.get("entries") or []
    dflt = d.get("default")
    got = ents[dflt].get("id") if isinstance(dflt, int) and 0 <= dflt < len(ents) else None
    if got != want_id:
        bad.append("%s: default is %r (%r), expected %r" % (tag, dflt, got, want_id))
    marked = [e.get("id") for e in ents if e.get("default")]
    if marked != [want_id]:
        bad.append("%s: entries marked default: %r, expected [%r]" % (tag, marked, want_id))
    if rule_word not in str(d.get("default_rule")):
        bad.append("%s: default_rule %r should name %r" % (tag, d.get("default_rule"), rule_word))
    if timeout is not None and d.get("timeout") != timeout:
        bad.append("%s: timeout %r, expected %r" % (tag, d.get("timeout"), timeout))


# the whole scan
d = doc("KXJ")
if d is not None:
    by = check_entries("KXJ", d, E)
    check_default("KXJ", d, "kx-two", "loader", 3)
    # the spec's order on the ESP: version descending, not file names
    idx = [by[i]["index"] for i in ("kx-two", "kx-mid", "a-older") if i in by]
    if len(idx) == 3 and not idx[0] < idx[1] < idx[2]:
        bad.append("KXJ: BLS order kx-two, kx-mid, a-older expected, indices %r" % idx)
    two = by.get("kx-two", {})
    if two.get("initrd") and not (str(two["initrd"][0]).endswith("/initrd-1") and
                                   str(two["initrd"][1]).endswith("/initrd-2")):
        bad.append("KXJ: kx-two's initrds out of order: %r" % two.get("initrd"))
    print("KXJ: %d entries checked" % len(d.get("entries") or []))

# one device each: the format's own default
for tag, dev, dflt, rule, timeout in (("KXG", "/dev/vda2", grub(OLD, "advanced"), "grub", 5),
                                      ("KXS", "/dev/vdb", "l1", "syslinux", 5),
                                      ("KXI", "/dev/vde", "live-amd64", "syslinux", None)):
    d = doc(tag)
    if d is None:
        continue
    want = {k: v for k, v in E.items() if v[1] == dev}
    check_entries(tag, d, want)
    check_default(tag, d, dflt, rule, timeout)
    print("%s: %s, %d entries, default %s" % (tag, dev, len(d.get("entries") or []), dflt))

# kx boot /dev/vdb --dry-run --json --append=...: kx -l's JSON plan of l1
d = doc("KXP")
if d is not None:
    segs = [(s.get("purpose"), s.get("source")) for s in d.get("segments") or []]
    want = [("kernel", "/dev/vdb:/boot/vmlinuz-" + V), ("initrd", "/dev/vdb:/boot/initrd.img-" + V),
            ("initrd", "/dev/vdb:/boot/kxmarker-%s.img" % V)]
    # a kernel unpacked at load is several segments of one file (its
    # PT_LOADs): one file, one row
    files = [x for i, x in enumerate(segs) if x[0] in ("kernel", "initrd") and (i == 0 or segs[i - 1] != x)]
    if files != want:
        bad.append("KXP: segments %r, expected %r first" % (segs, want))
    if "kxboot.entry=sys-l1 kxboot.nonce=%s kxboot.appended=1" % nonce not in str(d.get("cmdline")):
        bad.append("KXP: cmdline %r" % d.get("cmdline"))
    print("KXP: the plan of l1: %s" % ", ".join("%s %s" % x for x in segs))

if bad:
    print("\n".join(bad))
    sys.exit(1)
