// flame-browser.js EMBER_SVG PERL_SVG - times a flame graph SVG in Debian's
// chromium (playwright-core from tests/browser/node_modules): opening (load +
// the viewer's init + first paint), a click zoom and a regex search, each
// until the next frame is painted. Same steps on both files; medians of 3.
"use strict";
const path = require("path");
const fs = require("fs");
const os = require("os");
const { chromium } = require(path.join(__dirname, "../tests/browser/node_modules/playwright-core"));

async function measure(ctx, file) {
	const page = await ctx.newPage();
	const url = "file://" + path.resolve(file);
	const open = [], zoom = [], search = [];
	for (let run = 0; run < 3; run++) {
		const t0 = Date.now();
		await page.goto(url, { waitUntil: "load", timeout: 120000 });
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		open.push(Date.now() - t0);
		/* the widest frame that is not full width, nearest the root: a typical click */
		const target = await page.evaluate(() => {
			let best = -1, by = -1, i = 0;
			const gs = document.getElementById("frames").children;
			for (i = 0; i < gs.length; i++) {
				const r = gs[i].querySelector("rect"), w = parseFloat(r.getAttribute("width"));
				const y = parseFloat(r.getAttribute("y"));
				if (w > 100 && w < 900 && y > by) { by = y; best = i; }
			}
			return best;
		});
		zoom.push(await page.evaluate((i) => {
			const g = document.getElementById("frames").children[i];
			const t0 = performance.now();
			g.querySelector("rect").dispatchEvent(new MouseEvent("click", { bubbles: true }));
			return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0))));
		}, target));
		search.push(await page.evaluate(() => {
			const t0 = performance.now();
			search("Class1[0-9]\\.");
			return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0))));
		}));
		await page.goto("about:blank");
	}
	await page.close();
	const med = (a) => a.slice().sort((x, y) => x - y)[1];
	const frames = (fs.readFileSync(file, "utf8").match(/<title>/g) || []).length;
	return { open: med(open), zoom: med(zoom), search: med(search), frames, mb: fs.statSync(file).size / 1e6 };
}

async function main() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ember-chromium-"));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: "/usr/bin/chromium", headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		       "--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
	try {
		for (const [name, file] of [["ember", process.argv[2]], ["flamegraph.pl", process.argv[3]]]) {
			const m = await measure(ctx, file);
			console.log(`browser, 100,000 stacks, ${name} SVG (${m.mb.toFixed(1)} MB, ${m.frames} frames): ` +
				    `open ${(m.open / 1000).toFixed(2)}s, click zoom ${(m.zoom / 1000).toFixed(2)}s, ` +
				    `search ${(m.search / 1000).toFixed(2)}s`);
		}
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}
main().catch((e) => { console.error(e); process.exit(1); });
