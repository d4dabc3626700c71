"""The supervisors' board: static HTML, JavaScript and CSS served at /board (api.routes.board)."""
