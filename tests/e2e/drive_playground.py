"""e2e driver of the training playground (micrograd_mlp/playground/), called by tests/e2e/run.py after Run All.

For the first playground of the notebook: pressing play must change the
picture (the boundary moves) while the status line's step count rises and its
training loss goes down; pause must stop it; a bad value typed into a control
must show its error in the widget (and a good one clear it). Each state is
screenshotted to <notebook>-playground-<state>.png.
"""

import re
import time

NOTEBOOKS = ["10_playground.ipynb"]

STATUS = re.compile(r"step (\d+): training loss ([0-9.]+)")

# The picture as the widget shows it: its <img> source and a digest of its pixels' bytes.
PICTURE_JS = """async (playground) => {
    const image = playground.querySelector('.micrograd-playground-picture');
    if (!image || !image.src || !image.complete || image.naturalWidth === 0) return null;
    const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
    let hash = 0;
    for (const byte of bytes) hash = (hash * 31 + byte) >>> 0;
    return {src: image.src, size: bytes.length, hash: hash};
}"""


def drive(page, notebook, screenshot_dir):
    playground = page.locator(".micrograd-playground").first
    try:
        playground.locator(".micrograd-playground-picture").wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(f"no playground shows in {notebook} after Run All") from None
    playground.scroll_into_view_if_needed()
    stem = notebook.removesuffix(".ipynb")
    shot = lambda state: playground.screenshot(path=str(screenshot_dir / f"{stem}-playground-{state}.png"))  # noqa: E731

    before = picture(playground)
    assert before is not None, "the playground shows no picture"
    assert status(playground) == "step 0: press play or step to train", f"it did not start at step 0: {status(playground)!r}"
    shot("start")

    button(playground, "play").click()
    seen = []  # (step, training loss) as the status line shows them while it plays
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and (not seen or seen[-1][0] < 60):
        match = STATUS.match(status(playground))
        if match and (not seen or int(match.group(1)) > seen[-1][0]):
            seen.append((int(match.group(1)), float(match.group(2))))
        time.sleep(0.2)
    shot("playing")
    button(playground, "pause").click()
    assert len(seen) >= 3, f"while playing the status showed {len(seen)} different steps: {seen}"
    first, last = seen[0], seen[-1]
    assert last[1] < first[1], f"the training loss shown did not go down: {first} then {last}"
    after = picture(playground)
    assert after is not None and (after["src"], after["hash"]) != (before["src"], before["hash"]), "play did not change the picture"

    time.sleep(1.0)  # paused: nothing moves any more
    paused = status(playground)
    time.sleep(1.0)
    assert status(playground) == paused, f"it kept training after pause: {paused!r}, then {status(playground)!r}"
    shot("paused")

    points = playground.locator(".widget-text", has_text="points").locator("input")
    points.fill("0")
    points.press("Enter")
    error = playground.locator(".micrograd-playground-error")
    wait_for(lambda: "the number of points must be a whole number of at least 4" in error.inner_text(), "the error for 0 points")
    assert button(playground, "play").is_disabled(), "play stays enabled with a bad number of points"
    shot("bad-value")
    points.fill("200")
    points.press("Enter")
    wait_for(lambda: error.inner_text().strip() == "", "the error to clear once the value is good again")
    wait_for(lambda: status(playground) == "step 0: press play or step to train", "a new run to start from the good value")
    assert not button(playground, "play").is_disabled(), "play stays disabled once the value is good again"


def status(playground):
    return playground.locator(".micrograd-playground-status").inner_text().strip()


def button(playground, word):
    return playground.locator("button", has_text=re.compile(rf"\b{word}\b"))


def picture(playground, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = playground.evaluate(PICTURE_JS)
        if state:
            return state
        time.sleep(0.2)
    return None


def wait_for(condition, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
