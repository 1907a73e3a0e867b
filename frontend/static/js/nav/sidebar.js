// The navigation sidebar's script (the markup is the server's, pages/_sidebar.html): folding,
// item menus and inline naming, drag-to-reorder, live updates from other members, the
// phone drawer, and on the table page renaming the table from its title.

import { pageSocket } from "../page_socket.js";
import { Api } from "../table/api.js";
import { setUpActions } from "./actions.js";
import { setUpDrawer } from "./drawer.js";
import { setUpFolding } from "./folding.js";
import { followChanges } from "./live.js";
import { setUpDragging } from "./reorder.js";
import { setUpTitleRename } from "./title.js";
import { enable } from "./tree.js";

const root = document.getElementById("sidebar");
if (root) {
  const socket = pageSocket();
  const api = new Api({ webSocketId: () => socket.client.webSocketId });
  enable(root);
  setUpFolding(root);
  setUpDrawer(root);
  setUpActions(root, api);
  setUpDragging(root, api);
  followChanges(api);
  setUpTitleRename(api);
  root.dataset.ready = "true";
}
