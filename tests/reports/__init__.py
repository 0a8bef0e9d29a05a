"""Reports and the dashboard: figures, exports, PDF layout, month-end snapshots."""
