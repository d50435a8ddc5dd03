// SPDX-License-Identifier: GPL-2.0
///
/// Take struct zone's lock only through the wrappers in
/// include/linux/mmzone_lock.h, which keep the call site of each
/// acquisition in its caller for lock_stat_lite.  Patch mode converts the
/// spin_*() calls, the guard() and scoped_guard() forms and the lockdep
/// assertions on the zone lock and adds the include; report mode lists
/// every direct use of the lock member left outside the wrappers, guard
/// arguments included, one line per use.
///
// Confidence: High
// Comments: Finds struct zone and struct zone * expressions by type, and
//  the calls and node_zones[] elements below by shape.  A use through an
//  expression of another shape whose type spatch cannot infer is missed.
//  Both member names, lock and _lock, are matched, so the script works on
//  trees from before and after the rename.
//  scoped_guard(), scoped_cond_guard() and scoped_class() are declared as
//  iterators: without that, spatch 1.1 cannot parse them and drops the
//  whole function, silently under --very-quiet.
//  What spatch does not see is checked by harness/zone-lock-cocci.sh
//  instead: uses inside #define bodies (spatch does not match in macro
//  definitions), functions it cannot parse and code it passes over (#if 0,
//  unknown macros): it skips those, and says so only with
//  --verbose-parsing, or --parse-c.
//  Patch mode turns guard(spinlock_irqsave)(&zone->lock) into
//  guard(zone_lock_irqsave)(zone), and likewise scoped_guard(),
//  scoped_cond_guard(), spinlock_irq and the _try class: the converted
//  code needs the zone_lock_irqsave and zone_lock_irq guard classes
//  (DEFINE_LOCK_GUARD_1 over the wrappers) in mmzone_lock.h.  spin_lock(),
//  guard(spinlock) and other lock forms without a wrapper are only reported.
//  With --dir, spatch skips a file without one of the rule's tokens (zone,
//  page_zone, ...) unless given --disable-worth-trying-opt, as the script
//  does.  The whole tree with the parse and macro checks:
//  harness/zone-lock-cocci.sh SRC OUT (make check runs it).
// Options: --include-headers

virtual patch
virtual report

@initialize:python@
@@

def in_wrappers(p):
	return p[0].file.endswith("include/linux/mmzone_lock.h")

def is_zone_lock_use(p):
	return (p[0].file, p[0].line, p[0].column) in zone_lock_uses

last_inc = {}
reported = set()
zone_lock_uses = set()

// Every use of the lock member of a struct zone, by type where spatch can
// infer it, and by shape for the helpers returning a struct zone * and for
// pgdat->node_zones[], whose types spatch often cannot see.  The calls are
// spelled out one by one so that spatch can skip files without these tokens.
// The iterator names make spatch parse the scoped guards, braces or not.
@zl@
iterator name scoped_guard, scoped_cond_guard, scoped_class;
struct zone *z;
struct zone zo;
expression list es;
expression P, I;
identifier l = {lock, _lock};
position p : script:python() { not in_wrappers(p) };
@@

(
  z->l@p
|
  zo.l@p
|
  page_zone(es)->l@p
|
  folio_zone(es)->l@p
|
  next_zone(es)->l@p
|
  zonelist_zone(es)->l@p
|
  zone_for_pfn_range(es)->l@p
|
  P->node_zones[I].l@p
|
  P.node_zones[I].l@p
)

//----------------------------------------------------------
//  For patch mode
//----------------------------------------------------------

// Without the isomorphisms, &Z->l would match &zones[i].l and drop [i].
// The guard classes take the zone itself, as the zone_lock_*() wrappers do.
@conv depends on patch disable ptr_to_array, fld_to_ptr@
symbol spinlock_irqsave, spinlock_irq;
expression Z, flags;
identifier zl.l;
position zl.p;
@@

(
- spin_lock_irqsave(&Z->l@p, flags)
+ zone_lock_irqsave(Z, flags)
|
- spin_trylock_irqsave(&Z->l@p, flags)
+ zone_trylock_irqsave(Z, flags)
|
- spin_unlock_irqrestore(&Z->l@p, flags)
+ zone_unlock_irqrestore(Z, flags)
|
- spin_lock_irq(&Z->l@p)
+ zone_lock_irq(Z)
|
- spin_unlock_irq(&Z->l@p)
+ zone_unlock_irq(Z)
|
- spin_lock_init(&Z->l@p)
+ zone_lock_init(Z)
|
- lockdep_assert_held(&Z->l@p)
+ zone_lock_assert_held(Z)
|
- spin_lock_irqsave(&Z.l@p, flags)
+ zone_lock_irqsave(&Z, flags)
|
- spin_trylock_irqsave(&Z.l@p, flags)
+ zone_trylock_irqsave(&Z, flags)
|
- spin_unlock_irqrestore(&Z.l@p, flags)
+ zone_unlock_irqrestore(&Z, flags)
|
- spin_lock_irq(&Z.l@p)
+ zone_lock_irq(&Z)
|
- spin_unlock_irq(&Z.l@p)
+ zone_unlock_irq(&Z)
|
- spin_lock_init(&Z.l@p)
+ zone_lock_init(&Z)
|
- lockdep_assert_held(&Z.l@p)
+ zone_lock_assert_held(&Z)
|
- guard(spinlock_irqsave)(&Z->l@p)
+ guard(zone_lock_irqsave)(Z)
|
- guard(spinlock_irq)(&Z->l@p)
+ guard(zone_lock_irq)(Z)
|
- guard(spinlock_irqsave)(&Z.l@p)
+ guard(zone_lock_irqsave)(&Z)
|
- guard(spinlock_irq)(&Z.l@p)
+ guard(zone_lock_irq)(&Z)
)

// A scoped guard is a statement, so it needs a rule of its own, and spatch
// does not let a rule inherit zl.p past conv's changes: zl's uses are
// passed on by the script below instead.  Only the guard's arguments
// change, so the body keeps its layout.
@script:python depends on patch@
p << zl.p;
@@

zone_lock_uses.add((p[0].file, p[0].line, p[0].column))

@conv_scoped depends on patch disable ptr_to_array, fld_to_ptr@
iterator name scoped_guard, scoped_cond_guard;
symbol spinlock_irqsave, spinlock_irqsave_try, spinlock_irq;
expression Z, F;
identifier l = {lock, _lock};
position p : script:python() { is_zone_lock_use(p) };
statement S;
@@

(
  scoped_guard(
- spinlock_irqsave, &Z->l@p
+ zone_lock_irqsave, Z
  ) S
|
  scoped_guard(
- spinlock_irqsave_try, &Z->l@p
+ zone_lock_irqsave_try, Z
  ) S
|
  scoped_guard(
- spinlock_irq, &Z->l@p
+ zone_lock_irq, Z
  ) S
|
  scoped_cond_guard(
- spinlock_irqsave_try, F, &Z->l@p
+ zone_lock_irqsave_try, F, Z
  ) S
|
  scoped_guard(
- spinlock_irqsave, &Z.l@p
+ zone_lock_irqsave, &Z
  ) S
|
  scoped_guard(
- spinlock_irqsave_try, &Z.l@p
+ zone_lock_irqsave_try, &Z
  ) S
|
  scoped_guard(
- spinlock_irq, &Z.l@p
+ zone_lock_irq, &Z
  ) S
|
  scoped_cond_guard(
- spinlock_irqsave_try, F, &Z.l@p
+ zone_lock_irqsave_try, F, &Z
  ) S
)

@has_inc depends on patch@
@@

#include <linux/mmzone_lock.h>

// A converted file gets the include after its last <linux/...> include.
@inc depends on patch && (conv || conv_scoped) && !has_inc@
position p;
@@

#include <linux/...>@p

@script:python depends on inc@
p << inc.p;
@@

last_inc[p[0].file] = max(last_inc.get(p[0].file, 0), int(p[0].line))

@depends on inc@
position p : script:python() { int(p[0].line) == last_inc[p[0].file] };
@@

#include <linux/...>@p
+#include <linux/mmzone_lock.h>

//----------------------------------------------------------
//  For report mode
//----------------------------------------------------------

@script:python depends on report@
p << zl.p;
l << zl.l;
@@

key = (p[0].file, p[0].line, p[0].column)
if key not in reported:
	reported.add(key)
	coccilib.report.print_report(p[0],
		"ERROR: direct use of struct zone's %s, use <linux/mmzone_lock.h>" % l)
