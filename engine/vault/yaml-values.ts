/**
 * Vault content in the YAML tsplay reads (`-e @file`, group_vars/, host_vars/, inventory
 * files): a whole file that ansible-vault encrypted, and single values tagged `!vault`, as
 * `ansible-vault encrypt_string` prints them:
 *
 *   db_password: !vault |
 *             $ANSIBLE_VAULT;1.1;AES256
 *             6338376465...
 *
 * Each is opened with the run's vault; what it holds is recorded as secret, so output masks
 * it. A value or file that does not open is an InventoryError naming the file and line.
 */
import { isCollection, isScalar, visit, type Document, type LineCounter, type ScalarTag } from "yaml";
import { InventoryError } from "../inventory/errors";
import { Vault, VaultError } from "./vault";

/** The tag known to the parser, so that a `!vault` value parses as its text, to be opened after. */
export const VAULT_TAG: ScalarTag = { tag: "!vault", resolve: (text: string) => text };

/** The plaintext of a file that is vault-encrypted as a whole. */
export function openVaultFile(text: string, file: string, vault: Vault = Vault.none()): string {
  try {
    return vault.open(text).toString("utf8");
  } catch (error) {
    if (error instanceof VaultError) throw new InventoryError(error.reason, { file });
    throw error;
  }
}

/** Replaces each `!vault` value of the document by its plaintext, and records it as secret. */
export function openVaultValues(doc: Document, file: string, lines: LineCounter, vault: Vault = Vault.none()): void {
  visit(doc, (_key, node) => {
    if (!(isScalar(node) || isCollection(node)) || node.tag !== VAULT_TAG.tag) return;
    const line = node.range ? lines.linePos(node.range[0]).line : undefined;
    if (!isScalar(node) || typeof node.value !== "string") throw new InventoryError("a !vault value must be the text ansible-vault encrypt_string prints", { file, line });
    try {
      node.value = vault.reveal(node.value).toString("utf8");
      node.tag = undefined;
    } catch (error) {
      if (error instanceof VaultError) throw new InventoryError(`!vault value: ${error.reason}`, { file, line });
      throw error;
    }
  });
}
