// Workload for ember tests: JIT-hot JavaScript for `node --perf-basic-prof`,
// so frames resolve through /tmp/perf-PID.map (includes a RegExp and a class method).
'use strict';
const seconds = Number(process.argv[2] || 1);
class Shape { constructor(n) { this.n = n; } area() { let s = 0; for (let i = 0; i < this.n; i++) s += Math.sqrt(i) * 1.5; return s; } }
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
const re = /[&<>"']+x(\d+)/g;
function regexWork() { let c = 0; const s = 'a&<b>"c\'x12 '.repeat(200); for (const m of s.matchAll(re)) c += m[1].length; return c; }
const end = Date.now() + seconds * 1000;
let total = 0;
while (Date.now() < end) { total += fib(22); total += new Shape(5000).area(); total += regexWork(); }
console.log(total > 0);
