// SPDX-License-Identifier: GPL-2.0
///
/// Take struct zone's lock only through the wrappers in
/// include/linux/mmzone_lock.h, which keep the call site of each
/// acquisition in its caller for lock_stat_lite.  Patch mode converts the
/// spin_*() calls and lockdep assertions on the zone lock and adds the
/// include; report mode lists every direct use of the lock member left
/// outside the wrappers, one line per use.
///
// Confidence: High
// Comments: Finds struct zone and struct zone * expressions by type, and
//  the calls and node_zones[] elements below by shape.  A use through an
//  expression of another shape whose type spatch cannot infer is missed.
//  Both member names, lock and _lock, are matched, so the script works on
//  trees from before and after the rename.
// Options: --include-headers

virtual patch
virtual report

@initialize:python@
@@

def in_wrappers(p):
	return p[0].file.endswith("include/linux/mmzone_lock.h")

last_inc = {}
reported = set()

// Every use of the lock member of a struct zone, by type where spatch can
// infer it, and by shape for the helpers returning a struct zone * and for
// pgdat->node_zones[], whose types spatch often cannot see.  The calls are
// spelled out one by one so that spatch can skip files without these tokens.
@zl@
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
@conv depends on patch disable ptr_to_array, fld_to_ptr@
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
)

@has_inc depends on patch@
@@

#include <linux/mmzone_lock.h>

// A converted file gets the include after its last <linux/...> include.
@inc depends on patch && conv && !has_inc@
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
