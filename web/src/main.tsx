// Entry point: mounts the playground; a failure while rendering shows a message, never a blank page.
import { render } from "preact";
import { useErrorBoundary } from "preact/hooks";
import { App } from "./app.js";
import "./style.css";

function Root() {
  const [error, reset] = useErrorBoundary() as [unknown, () => void];
  if (error !== undefined) {
    return (
      <main class="crashed" role="alert">
        <h1>The playground hit an error</h1>
        <p>{error instanceof Error ? error.message : JSON.stringify(error)}</p>
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
      </main>
    );
  }
  return <App />;
}

const root = document.getElementById("app")!;
root.textContent = ""; // the "Loading…" line index.html shows until the script runs
render(<Root />, root);
