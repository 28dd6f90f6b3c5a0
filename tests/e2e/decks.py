"""End-to-end checks of the slide decks (build/slides, from `make slides`), used by run.py.

Each deck is opened from a local web server with every request that leaves the
machine blocked. It must become ready (reveal.js and MathJax load from beside it),
have one slide per `slide`/`subslide` cell of its notebook, show every picture and
typeset its maths, move on the right arrow key, open the speaker view with S, and
no slide may overflow: a slide's content must fit the deck's height (reveal.js
scales the whole slide to the window, so content taller than that height runs
off the bottom of the screen in the lecture hall).
"""

import json

SLIDE_TYPES = ("slide", "subslide")

DECK_JS = """async () => {
    const deadline = Date.now() + 20000;
    while (!(window.Reveal && Reveal.isReady && Reveal.isReady()) && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 100));
    }
    if (!(window.Reveal && Reveal.isReady && Reveal.isReady())) return {ready: false};
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    const height = Reveal.getConfig().height;
    const overflowing = [];
    const slides = Reveal.getSlides();
    for (const slide of slides) {
        const indices = Reveal.getIndices(slide);
        Reveal.slide(indices.h, indices.v);
        await new Promise(resolve => requestAnimationFrame(resolve));
        if (slide.scrollHeight > height + 1) {
            const text = (slide.innerText || '').trim().split('\\n')[0].slice(0, 60);
            overflowing.push(`slide ${indices.h + 1}.${(indices.v || 0) + 1} (${slide.scrollHeight} px > ${height}): "${text}"`);
        }
    }
    Reveal.slide(0, 0);
    const images = [...document.querySelectorAll('.reveal .slides img')];
    return {
        ready: true,
        slides: Reveal.getTotalSlides(),
        overflowing: overflowing,
        images: document.querySelectorAll('.reveal .slides .jp-OutputArea-output img').length,
        broken: images.filter(image => !(image.complete && image.naturalWidth > 0)).map(image => (image.getAttribute('src') || '').slice(0, 60)),
        typeset: document.querySelectorAll('mjx-container').length,
        mathErrors: document.querySelectorAll('mjx-merror').length,
        notes: document.querySelectorAll('.reveal aside.notes').length,
    };
}"""


def expected_slides(notebook):
    """How many slides nbconvert makes of a notebook: one per slide or subslide cell; the first cell always starts one."""
    cells = [cell for cell in notebook["cells"] if "solution" not in cell.get("metadata", {}).get("tags", [])]
    starts = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in SLIDE_TYPES for cell in cells]
    return sum(starts) + (0 if starts and starts[0] else 1)


def expected_pictures(notebook):
    """Output pictures in the cells a deck shows (not skipped, not notes, not worked solutions)."""
    count = 0
    for cell in notebook["cells"]:
        metadata = cell.get("metadata", {})
        if "solution" in metadata.get("tags", []) or metadata.get("slideshow", {}).get("slide_type") in ("skip", "notes"):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            count += any(kind in data for kind in ("image/png", "image/gif", "image/jpeg"))
    return count


def check_decks(context, slides_dir, notebooks, shots, timeout, serve, site_page, Result):
    """One result per deck, plus the decks' index page."""
    results = []
    with serve(slides_dir) as base:
        result = Result("slides index")
        with site_page(context, result) as page:
            page.goto(f"{base}/index.html", timeout=timeout * 1000)
            unlinked = [path.stem for path in notebooks if page.locator(f"a[href='{path.stem}.slides.html']").count() != 1]
            result.check(not unlinked, f"decks the slides index does not link: {unlinked}")
        results.append(result.finish())
        for path in notebooks:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            result = Result(f"slides {path.stem}")
            with site_page(context, result) as page:
                page.goto(f"{base}/{path.stem}.slides.html", timeout=timeout * 1000)
                state = page.evaluate(DECK_JS)
                if not result.check(state["ready"], "reveal.js never became ready"):
                    results.append(result.finish())
                    continue
                slides, pictures = expected_slides(notebook), expected_pictures(notebook)
                result.notes.append(
                    f"{state['slides']} slides, {state['images']} pictures, {state['typeset']} maths, {state['notes']} notes"
                )
                result.check(state["slides"] == slides, f"{state['slides']} slides, the notebook's metadata makes {slides}")
                result.check(state["images"] == pictures, f"{state['images']} output pictures in the deck, the notebook shows {pictures}")
                result.check(not state["broken"], f"pictures that did not load: {state['broken'][:3]}")
                result.check(state["mathErrors"] == 0, f"{state['mathErrors']} maths MathJax could not typeset")
                result.check(not state["overflowing"], f"{len(state['overflowing'])} slides overflow: {state['overflowing'][:3]}")
                page.screenshot(path=str(shots / f"slides-{path.stem}-1.png"))
                before = page.evaluate("JSON.stringify(Reveal.getIndices())")
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(200)
                after = page.evaluate("JSON.stringify(Reveal.getIndices())")
                result.check(before != after or state["slides"] == 1, "the right arrow key did not move the deck")
                page.screenshot(path=str(shots / f"slides-{path.stem}-2.png"))
                with context.expect_page(timeout=timeout * 1000) as speaker:
                    page.keyboard.press("s")
                view = speaker.value
                view.wait_for_load_state("load")
                view.wait_for_selector("#current-slide iframe", state="attached", timeout=timeout * 1000)
                view.wait_for_selector(".speaker-controls-notes", state="attached", timeout=timeout * 1000)
                view.screenshot(path=str(shots / f"slides-{path.stem}-speaker-view.png"))
                view.close()
            results.append(result.finish())
    return results


LIVE_JS = """() => ({
    slides: document.querySelectorAll('.reveal .slides section:not(:has(section))').length,
    codeCells: document.querySelectorAll('.reveal .slides .jp-CodeCell').length,
    present: document.querySelectorAll('.reveal .slides section.present').length,
})"""


def check_live_slides(context, lab, path, shots, timeout, Result):
    """The notebook presented live by jupyterlab-rise (JupyterLab's /rise/ page): the same slides, with code cells."""
    result = Result(f"live slides {path.stem}")
    page = context.new_page()
    try:
        page.goto(f"{lab.url}/rise/{path.name}?token={lab.token}", timeout=timeout * 1000)
        page.wait_for_selector(".reveal .slides section.present", timeout=timeout * 1000)
        page.wait_for_timeout(1000)
        state = page.evaluate(LIVE_JS)
        expected = expected_slides(json.loads(path.read_text(encoding="utf-8")))
        result.notes.append(f"{state['slides']} slides, {state['codeCells']} code cells")
        result.check(state["slides"] == expected, f"{state['slides']} live slides, the notebook's metadata makes {expected}")
        result.check(state["codeCells"] > 0, "no JupyterLab code cells in the live slides")
        page.screenshot(path=str(shots / f"live-slides-{path.stem}.png"))
    except Exception as error:
        result.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        page.close()
    return result.finish()
