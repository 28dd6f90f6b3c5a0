"""e2e driver of the backward stepper (micrograd_mlp/stepper.py), called by tests/e2e/run.py after Run All.

For every stepper in the notebook: ▶ must move the highlighted node and fill in a
gradient on the picture, and write out the step's chain rule under it; ◀ must go
back to the picture before; reset to the one with no gradient at all; play must
then show step 1 and step 2 by itself. The
picture is read as the widget shows it (the SVG behind its <img>), and each
state is screenshotted to <notebook>-stepper<k>-<state>.png.
"""

import re
import time

from micrograd_mlp.stepper import CURRENT

NOTEBOOKS = ["03_backprop_by_hand.ipynb", "04_automatic_backward.ipynb"]

# What the stepper shows: which boxes are filled in the orange of "passing its gradient on", every grad field's text.
PICTURE_JS = """async (stepper, current) => {
    const image = stepper.querySelector('img');
    if (!image || !image.src || !image.complete || image.naturalWidth === 0) return null;
    const svg = new DOMParser().parseFromString(await (await fetch(image.src)).text(), 'image/svg+xml');
    const nodes = [...svg.querySelectorAll('g.node')];
    const filled = node => [...node.querySelectorAll('polygon, path, ellipse')]
        .some(shape => (shape.getAttribute('fill') || '').toLowerCase() === current);
    return {
        src: image.src,
        highlighted: nodes.filter(filled).map(node => node.querySelector('title').textContent).sort(),
        grads: nodes.map(node => [...node.querySelectorAll('text')].map(t => t.textContent).filter(t => t.startsWith('grad')).join(' ')),
        caption: (stepper.querySelector('.widget-html') || {innerText: ''}).innerText,
        step: (stepper.querySelector('.widget-readout') || {textContent: ''}).textContent.trim(),
    };
}"""


def drive(page, notebook, screenshot_dir):
    steppers = page.locator(".micrograd-backward-stepper")
    try:
        steppers.first.locator("img").wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(f"no backward stepper shows in {notebook} after Run All") from None
    stem = notebook.removesuffix(".ipynb")
    for number in range(steppers.count()):
        stepper = steppers.nth(number)
        stepper.scroll_into_view_if_needed()
        shot = lambda state: stepper.screenshot(path=str(screenshot_dir / f"{stem}-stepper{number + 1}-{state}.png"))  # noqa: E731
        where = f"stepper {number + 1}"

        start = picture(stepper, where, step=0)
        assert not start["highlighted"], f"{where}: a node is highlighted before the first step: {start['highlighted']}"
        shot("start")
        button(stepper, "▶").click()
        first = picture(stepper, where, after=start, step=1)
        assert first["highlighted"], f"{where}: after ▶ no node is highlighted"
        assert first["grads"] != start["grads"], f"{where}: after ▶ no gradient changed on the picture"
        assert "Step 1 of" in first["caption"] and ".grad" in first["caption"], f"{where}: no chain rule under the picture: {first['caption']!r}"
        shot("step1")
        button(stepper, "▶").click()
        second = picture(stepper, where, after=first, step=2)
        assert second["highlighted"] != first["highlighted"], f"{where}: the second ▶ left the highlight on {first['highlighted']}"
        assert second["grads"] != first["grads"], f"{where}: the second ▶ changed no gradient on the picture"
        shot("step2")
        button(stepper, "◀").click()
        back = picture(stepper, where, after=second, step=1)
        assert (back["highlighted"], back["grads"]) == (first["highlighted"], first["grads"]), f"{where}: ◀ did not go back to step 1: {differences(first, back)}"
        button(stepper, "reset").click()
        reset = picture(stepper, where, after=back, step=0)
        assert (reset["highlighted"], reset["grads"]) == (start["highlighted"], start["grads"]), f"{where}: reset did not clear the gradients: {differences(start, reset)}"
        button(stepper, "play").click()  # the steps come one after another by themselves
        played = picture(stepper, where, after=reset, step=1)
        assert played["highlighted"] == first["highlighted"], f"{where}: play did not show step 1: {differences(first, played)}"
        picture(stepper, where, after=played, step=2)
        button(stepper, "pause").click()
        shot("played")


def differences(expected, seen):
    """What differs between two pictures: the highlighted boxes, and the grad fields that changed."""
    changed = [f"{a!r} became {b!r}" for a, b in zip(expected["grads"], seen["grads"]) if a != b]
    return f"highlighted {expected['highlighted']} then {seen['highlighted']}; grad fields: {changed[:3]}"


def button(stepper, text):
    return stepper.locator("button", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def picture(stepper, where, step, after=None, timeout=15.0):
    """What the stepper's picture shows once the slider reads ``step`` and the picture has loaded (and changed from ``after``)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = stepper.evaluate(PICTURE_JS, CURRENT)
        if state and state["step"] == str(step) and (after is None or state["src"] != after["src"]):
            time.sleep(0.3)  # then read it again: the picture of this step, not one still on its way
            settled = stepper.evaluate(PICTURE_JS, CURRENT)
            if settled and settled["src"] == state["src"]:
                return state
        time.sleep(0.2)
    seen = f"the slider reads {state['step']!r}" if state else "no picture"
    raise AssertionError(f"{where}: step {step} did not show within {timeout:.0f} s ({seen})")
