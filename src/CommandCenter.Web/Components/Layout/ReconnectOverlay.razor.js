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
        location.reload();
    }
});

function lastDataAt() {
    // The wall stamps the time of its last data on <body> (see Wall.razor); fall back to when the link dropped.
    const stamp = document.querySelector("[data-last-data-at]")?.getAttribute("data-last-data-at");
    const parsed = stamp ? Date.parse(stamp) : NaN;
    return Number.isNaN(parsed) ? Date.now() : parsed;
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
                // The server is up but the circuit is gone: start over with a fresh page.
                location.reload();
                return;
            }
            hide();
        } catch {
            // Server still down: keep trying.
        } finally {
            retrying = false;
        }
        if (overlay.open) {
            retrySoon();
        }
    }, 3000);
}
