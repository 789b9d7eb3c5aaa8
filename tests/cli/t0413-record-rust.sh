# t0413: Rust symbol names in `ember record`: a CPU-bound Rust program built
# with rustc's legacy mangling (_ZN...17h<hash>E) and with v0 (_R...) is
# recorded, and its frames come out as rustc-demangle prints them: no hashes,
# trait impls as <T as Trait>::f, generic arguments (v0), closures, a
# punycode function name (v0), no mangled name left from the program's crate.
. "$(dirname "$0")/lib.sh"
command -v rustc >/dev/null || skip "rustc is not installed (https://rustup.rs)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
cat >rustnames.rs <<'RS'
use std::hint::black_box;
pub trait Shape { fn area(&self, n: u64) -> u64; }
pub struct Circle { r: u64 }
impl Shape for Circle {
    #[inline(never)]
    fn area(&self, n: u64) -> u64 { (0..n).fold(self.r, |a, i| a.wrapping_mul(31).wrapping_add(i)) }
}
#[inline(never)]
pub fn generic_sum<T: Copy + Into<u64>>(v: &[T], n: u64) -> u64 {
    let mut s = 0u64;
    for i in 0..n { s = s.wrapping_add(v[(i as usize) % v.len()].into()).rotate_left(3); }
    s
}
pub mod ünicode {
    #[inline(never)]
    pub fn grüße(n: u64) -> u64 { (0..n).fold(7u64, |a, i| a.wrapping_mul(6364136223846793005).wrapping_add(i)) }
}
fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3_000_000);
    let shapes: Vec<Box<dyn Shape>> = vec![Box::new(Circle { r: 3 })];
    let mut t = 0u64;
    for _ in 0..black_box(20) {
        t = t.wrapping_add(shapes[0].area(black_box(n)));
        t = t.wrapping_add(generic_sum(black_box(&[1u32, 2, 3]), black_box(n)));
        t = t.wrapping_add(ünicode::grüße(black_box(n)));
    }
    println!("{}", t);
}
RS
# opt-level 0: closures and generic instances stay functions of their own
rustc -C opt-level=0 -o legacy rustnames.rs 2>rustc.err || fail "rustc: $(head -5 rustc.err)"
rustc -C opt-level=0 -C symbol-mangling-version=v0 -o v0 rustnames.rs 2>rustc.err || fail "rustc: $(head -5 rustc.err)"
nm v0 | grep -q ' _RNvCs[0-9A-Za-z_]*_9rustnames4main$' || fail "v0 build has no v0 names"
nm legacy | grep -q ' _ZN9rustnames4main17h[0-9a-f]\{16\}E$' || fail "legacy build has no legacy names"

# has FILE STRING: some stack of FILE contains the frame STRING
has() { grep -qF -- ";$2;" "$1" || grep -qF -- ";$2 " "$1" || fail "$1 has no frame '$2': $(head -c 600 "$1")"; }
# no_mangled FILE: no frame of the program's own crate is still mangled
no_mangled() {
	! grep -E '(^|;)(_R[A-Za-z0-9_]*9rustnames|_ZN[0-9]+rustnames)' "$1" >mangled.txt ||
		fail "$1 keeps mangled names: $(head -c 400 mangled.txt)"
}

expect_status 0 "$EMBER" record -F 499 -o v0.folded -- ./v0
has v0.folded 'rustnames::main'
has v0.folded '<rustnames::Circle as rustnames::Shape>::area'
has v0.folded 'rustnames::generic_sum::<u32>'
has v0.folded 'rustnames::ünicode::grüße'
has v0.folded '<rustnames::Circle as rustnames::Shape>::area::{closure#0}'
no_mangled v0.folded

expect_status 0 "$EMBER" record -F 499 -o legacy.folded -- ./legacy
has legacy.folded 'rustnames::main'
has legacy.folded '<rustnames::Circle as rustnames::Shape>::area'
has legacy.folded 'rustnames::generic_sum'
has legacy.folded '<rustnames::Circle as rustnames::Shape>::area::{{closure}}'
grep -qE ';rustnames::[^; ]*::h[0-9a-f]{16}[; ]' legacy.folded && fail "a legacy hash is left: $(grep -E '::h[0-9a-f]{16}' legacy.folded | head -3)"
no_mangled legacy.folded
exit 0
