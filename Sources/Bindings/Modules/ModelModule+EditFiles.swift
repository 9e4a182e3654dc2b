import Core

/// `m:save_edits`, `m:load_edits`: a session's edited model, rebuilt in another session.
extension ModelModule {
    static func registerEditFiles(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("save_edits", signature: "m:save_edits(path) -> integer",
                 summary: "Writes the model's edited state to path (a .safetensors file): the exact values of every weight the applied edits (m:edits()) changed, and what each edit was. Returns how many edits it saved. m:load_edits(path) in a later session with the same model rebuilds the same weights.",
                 example: "m:save_edits(\"session.edits.safetensors\")") { m, args in
            let path = try text(args, 2)
            return [.int(try EditArchive.write(m.model, identity: m.identity, to: path))]
        }
        t.method("load_edits", signature: "m:load_edits(path) -> Edit",
                 summary: "Sets the weights saved by m:save_edits(path) into this model (the same model, unedited when they were saved), as one Edit whose requests are those of every saved edit; e:undo() restores the weights from before. The logits are then those of the session that saved them.",
                 example: "e = m:load_edits(\"session.edits.safetensors\")") { m, args in
            let path = try text(args, 2)
            let (edit, _) = try EditArchive.apply(path, to: m.model, identity: m.identity)
            return [.object(edit)]
        }
    }
}
