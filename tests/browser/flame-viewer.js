// flame-viewer.js SVG_DIR - drives Debian's chromium through playwright-core
// against SVGs that tests/cli/t0210-flame-browser.sh wrote with `ember flame`:
// hover details, Ctrl-F regex search (highlight + matched %, nested matches
// counted once), case toggle, click zoom, reset zoom, and zoom + search kept
// in (and restored from) the URL. Exits 1 with a message on the first failure.
"use strict";
const path = require("path");
const fs = require("fs");
const os = require("os");
const { chromium } = require("playwright-core");

const dir = process.argv[2];
const SEARCH = "rgb(230,0,230)";

function check(cond, msg) {
	if (!cond) {
		console.error("FAIL: " + msg);
		process.exit(1);
	}
	console.log("ok   " + msg);
}

async function frameInfo(page, name) {
	return page.evaluate((name) => {
		const out = [];
		for (const g of document.getElementById("frames").children) {
			const t = g.querySelector("title").textContent;
			if (t.startsWith(name + " (")) {
				const r = g.querySelector("rect");
				out.push({ x: parseFloat(r.getAttribute("x")), w: parseFloat(r.getAttribute("width")),
					   y: parseFloat(r.getAttribute("y")), fill: r.getAttribute("fill"),
					   hidden: g.classList.contains("hide"),
					   label: g.querySelector("text") ? g.querySelector("text").textContent : "" });
			}
		}
		return out;
	}, name);
}

const text = (page, id) => page.evaluate((id) => document.getElementById(id).textContent, id);
const hidden = (page, id) => page.evaluate((id) => document.getElementById(id).classList.contains("hide"), id);

async function main() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ember-chromium-"));
	/* a fresh --user-data-dir: playwright passes it for a persistent context */
	const browser = await chromium.launchPersistentContext(profile, {
		executablePath: "/usr/bin/chromium",
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		       "--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
	try {
		const page = browser.pages()[0] || await browser.newPage();
		const errors = [];
		page.on("pageerror", (e) => errors.push(String(e)));
		let answer = null;
		page.on("dialog", (d) => d.accept(answer));
		const url = "file://" + path.resolve(dir, "viewer.svg");
		await page.goto(url);
		check(errors.length === 0, "the viewer script loads without errors " + errors.join("; "));

		// hover
		const alpha = (await frameInfo(page, "alpha")).sort((a, b) => a.x - b.x);
		check(alpha.length === 2, "two alpha frames drawn");
		await page.mouse.move(alpha[0].x + 2, alpha[0].y + 5);
		check((await text(page, "details")).startsWith("Function: alpha (50 samples, 50.00%)"),
		      "hover shows name, count and percentage");

		// search: nested matches counted once (main 60 contains alpha 50; other;alpha 40)
		answer = "^(main|alpha)$";
		await page.keyboard.press("Control+F");
		await page.waitForFunction(() => !document.getElementById("matched").classList.contains("hide"));
		check((await text(page, "matched")) === "Matched: 100%", "search reports the matched share, nested frames once: " + await text(page, "matched"));
		check((await frameInfo(page, "alpha")).every((f) => f.fill === SEARCH), "matching frames are highlighted");
		check((await frameInfo(page, "beta"))[0].fill !== SEARCH, "other frames keep their colour");
		check(page.url().includes("s=%5E(main%7Calpha)%24") || page.url().includes("s=%5E%28main%7Calpha%29%24"), "search term kept in the URL: " + page.url());
		answer = "^alpha$";
		await page.keyboard.press("Control+F");
		await page.waitForFunction(() => document.getElementById("matched").textContent === "Matched: 90.0%");
		check(true, "a second search replaces the first (alpha: 90.0%)");
		check((await frameInfo(page, "main"))[0].fill !== SEARCH, "the first search's highlight is gone");

		// case toggle
		answer = "^ALPHA$";
		await page.keyboard.press("Control+F");
		await page.waitForFunction(() => document.getElementById("matched").textContent === "Matched: 0.0%");
		await page.click("#ignorecase");
		await page.waitForFunction(() => document.getElementById("matched").textContent === "Matched: 90.0%");
		check(true, "'ic' makes the search ignore case");
		await page.click("#ignorecase");
		await page.click("#search");	/* "Reset Search" */
		check(await hidden(page, "matched"), "reset search hides the matched share");
		check((await frameInfo(page, "alpha")).every((f) => f.fill !== SEARCH), "reset search restores colours");

		// click zoom into main;alpha
		const before = await frameInfo(page, "x");
		await page.mouse.click(alpha[0].x + 2, alpha[0].y + 5);
		const z = (await frameInfo(page, "alpha")).find((f) => !f.hidden && f.w > 1000);
		check(z && z.x === 10 && z.w === 1180, "click zooms the frame to the full width");
		check((await frameInfo(page, "other")).every((f) => f.hidden), "frames outside the zoomed one are hidden");
		const main_ = (await frameInfo(page, "main"))[0];
		check(main_.w === 1180 && !main_.hidden, "ancestors stay visible at full width");
		const x = (await frameInfo(page, "x"))[0];
		check(Math.abs(x.w - 1180 * 30 / 50) < 0.2, "children scale with the zoom (x: " + x.w + ")");
		check(!(await hidden(page, "unzoom")), "Reset Zoom appears");
		check(/[?&]x=/.test(page.url()) && /[?&]y=/.test(page.url()), "zoom kept in the URL: " + page.url());
		const zoomedUrl = page.url();

		// reset zoom restores everything
		await page.click("#unzoom");
		const after = await frameInfo(page, "x");
		check(JSON.stringify(after) === JSON.stringify(before), "Reset Zoom restores positions and labels");
		check(await hidden(page, "unzoom"), "Reset Zoom hides itself");
		check((await frameInfo(page, "other")).every((f) => !f.hidden), "hidden frames come back");

		// zoom + search restored from the URL
		await page.goto(zoomedUrl.replace(/[?]/, "?s=beta&"));
		check((await text(page, "matched")) === "Matched: 10.0%", "search restored from the URL");
		check((await frameInfo(page, "other")).every((f) => f.hidden), "zoom restored from the URL");
		// a frame too narrow for a label has no <text>; zooming into it adds one
		await page.goto("file://" + path.resolve(dir, "narrow.svg"));
		const narrow = (await frameInfo(page, "narrow"))[0];
		check(narrow.w < 20 && narrow.label === "", "a narrow frame is drawn without a label");
		check(await page.evaluate(() => [...document.querySelectorAll("#frames title")]
			.filter((t) => t.textContent.startsWith("narrow ("))[0].parentNode.querySelector("text") === null),
		      "ember writes no <text> for it");
		await page.mouse.click(narrow.x + narrow.w / 2, narrow.y + 5);
		const zn = (await frameInfo(page, "narrow"))[0], leaf = (await frameInfo(page, "leaf"))[0];
		check(zn.w === 1180 && zn.label === "narrow" && leaf.label === "leaf", "zoom gives it and its child labels");
		await page.click("#unzoom");
		check((await frameInfo(page, "narrow"))[0].label === "", "reset zoom takes the label away again");
		check(errors.length === 0, "no script errors at all " + errors.join("; "));
	} finally {
		await browser.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error("FAIL: " + (e && e.stack ? e.stack : e));
	process.exit(1);
});
