"""The page's style sheet (class names of :mod:`sim.page.app` and its panels)."""

CSS = """
.wgsim-table { border-collapse: collapse; font-size: 14px; }
.wgsim-table th, .wgsim-table td { border-bottom: 1px solid #ddd; padding: 2px 8px;
  text-align: right; }
.wgsim-table th:first-child { text-align: left; font-weight: normal; }
.wgsim-table thead th { font-weight: bold; }
.wgsim-table tr.sep th { text-align: left; font-style: italic; }
.wgsim-loglines { max-height: 420px; overflow-y: auto; font-size: 13px;
  border: 1px solid #ddd; padding: 6px; margin: 0; flex-wrap: nowrap; }
.wgsim-loglines ul { margin: 0; padding-left: 18px; }
.wgsim-loglines .d { color: #666; font-variant-numeric: tabular-nums; }
.wgsim-loglines .because { color: #1f5fa8; }
.wgsim-slider .v-input__slot { margin-bottom: 0; }
.wgsim-slider .v-messages { display: none; }
.wgsim-label { font-size: 13px; }
.wgsim-label summary { cursor: pointer; }
.wgsim-label summary:focus-visible { outline: 2px solid #1f5fa8; }
.wgsim-label p { margin: 2px 0 4px 14px; color: #444; font-size: 12px; }
.wgsim-slider .v-input__prepend-outer, .wgsim-slider .v-label { display: none; }
.wgsim-variant-about { font-size: 12px; color: #444; margin: -6px 0 4px; }
.wgsim-bar { background: #1f5fa8; color: white; padding: 4px 12px; }
.wgsim-preset { text-transform: none !important; letter-spacing: normal !important;
  justify-content: flex-start !important; height: auto !important; min-height: 28px;
  white-space: normal; text-align: left; padding: 2px 6px !important; }
.wgsim-preset .v-btn__content { white-space: normal; flex-shrink: 1; }
.wgsim-h { margin: 6px 0 2px; }
.wgsim-shock-key { font-size: 13px; }
.wgsim-shock-key p { margin: 4px 0; }
.wgsim-shock-key ol { margin: 0; padding-left: 28px; }
.wgsim-inflight { font-size: 13px; }
.wgsim-inflight p { margin: 4px 0; }
.wgsim-header h3 { font-size: 1.17em; margin: 6px 0; }
.wgsim-bar h1 { font-size: 20px; font-weight: 500; margin: 0; color: white; }
.wgsim-body { align-items: flex-start; flex-wrap: nowrap; padding: 8px; }
.wgsim-side { flex: 0 0 300px; width: 300px; max-height: calc(100vh - 70px);
  overflow-y: auto; position: sticky; top: 8px; }
.wgsim-main { flex: 1 1 auto; min-width: 0; }
.wgsim-side.wgsim-hidden { display: none !important; }
.wgsim-main svg { max-width: 100%; height: auto; }
.wgsim-scoreboard, .wgsim-seeds-table { max-width: 100%; overflow-x: auto; }
/* a phone or a narrow window: the run first, full width; the controls below it */
@media (max-width: 760px) {
  .wgsim-body { flex-direction: column !important; flex-wrap: nowrap; padding: 4px;
    align-items: stretch; }
  .wgsim-main { width: 100%; order: 1; }
  .wgsim-side { order: 2; flex: none; width: 100%; max-height: none; position: static;
    margin: 0 !important; }
  .wgsim-bar h1 { font-size: 16px; }
}
/* printing: the run on paper, without the controls, nothing cut by a scrolling box */
@media print {
  .wgsim-body .wgsim-side, .wgsim-bar button, .wgsim-main .wgsim-buttons,
  .wgsim-log .wgsim-log-filters, .wgsim-main .v-tabs-bar { display: none !important; }
  .wgsim-bar { background: white !important; padding: 0 !important; }
  .wgsim-bar h1 { color: black !important; }
  html, body, .v-application, .v-application--wrap, div[style*="overflow"] {
    height: auto !important; max-height: none !important; overflow: visible !important; }
  .wgsim-body { display: block !important; padding: 0; }
  .wgsim-main { width: 100% !important; }
  .wgsim-loglines { max-height: none; overflow: visible; border: none; }
  .wgsim-charts, .wgsim-network svg, .wgsim-scoreboard, .wgsim-log li { break-inside: avoid; }
}
.wgsim-side .v-select__selection { white-space: normal; overflow: visible;
  text-overflow: clip; max-width: 100%; line-height: 1.3; }
.wgsim-replay { width: 284px; max-width: 284px; }
.wgsim-replay .v-select__selections { flex-wrap: nowrap; overflow: hidden; }
.wgsim-replay .v-select__selection { max-width: 230px; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.wgsim-replay-name { font-size: 12px; color: #555; overflow-wrap: anywhere; margin: 2px 0 6px; }
"""
