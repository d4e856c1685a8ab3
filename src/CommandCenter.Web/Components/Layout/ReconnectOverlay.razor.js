// Keeps an unattended wall alive: shows a full-screen overlay with the time since data stopped, retries for
// ever, and reloads the page when the server answers but no longer knows this circuit (e.g. after a restart).
const overlay = document.getElementById("components-reconnect-modal");
const elapsed = document.getElementById("reconnect-elapsed");
let lostAt = null;
let ticker = null;
let retrying = false;

overlay.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    if (state === "show") {
        show();
    } else if (state === "hide") {
        hide();
    } else if (state === "failed" || state === "paused" || state === "resume-failed") {
        show();
        retrySoon();
    } else if (state === "rejected") {
        // The server is back but no longer knows this circuit: a fresh page, as soon as the server is ready.
        show();
        reloadWhenReady().then(reloaded => reloaded || retrySoon());
    }
});

// The wall re-stamps data-last-data-at (on .wall, see Wall.razor) whenever data arrives. Note when that happened on
// this machine's clock, so a kiosk PC whose clock drifts from the server's still shows the right "time since".
let lastDataSeen = Date.now();
new MutationObserver(() => { lastDataSeen = Date.now(); })
    .observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-last-data-at"] });

function lastDataAt() {
    return lastDataSeen;
}

// Reload only once the server says it is ready: a kiosk must not be stranded on an error page.
async function reloadWhenReady() {
    try {
        const ready = await fetch("/readyz", { cache: "no-store" });
        if (ready.ok) {
            location.reload();
            return true;
        }
    } catch {
        // not up yet
    }
    return false;
}

function show() {
    if (!overlay.open) {
        overlay.showModal();
    }
    document.documentElement.classList.add("wall-disconnected");
    lostAt ??= lastDataAt();
    ticker ??= setInterval(render, 1000);
    render();
}

function hide() {
    overlay.close();
    document.documentElement.classList.remove("wall-disconnected");
    lostAt = null;
    clearInterval(ticker);
    ticker = null;
}

function render() {
    const seconds = Math.max(0, Math.floor((Date.now() - lostAt) / 1000));
    const minutes = Math.floor(seconds / 60);
    elapsed.textContent = `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

function retrySoon() {
    if (retrying) {
        return;
    }
    retrying = true;
    setTimeout(async () => {
        try {
            const reconnected = await Blazor.reconnect();
            if (!reconnected) {
                // The server is up but the circuit is gone: start over with a fresh page, once it is ready.
                if (await reloadWhenReady()) {
                    return;
                }
            } else {
                hide();
            }
        } catch {
            // Could not rejoin: if the server itself answers, the circuit is what is gone.
            if (await reloadWhenReady()) {
                return;
            }
        } finally {
            retrying = false;
        }
        if (overlay.open) {
            retrySoon();
        }
    }, 3000);
}
