/** The inventory subsystem's public API. */
export { InventoryError } from "./errors";
export { Inventory, LOCALHOST_NAMES, type InventoryGroup, type InventoryHost, type Vars } from "./inventory";
export { loadInventory } from "./load";
export { connectionSettings, type ConnectionSettings } from "./connection-vars";
export { splitPattern } from "./pattern";
