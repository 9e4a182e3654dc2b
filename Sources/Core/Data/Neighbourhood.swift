/// Same-relation neighbours (ROME's "neighbourhood" prompts): for each record, prompts of other
/// records of the same split whose prompt is the same relation template with another subject
/// ("The gender of {} is"). An edit of one subject must leave them alone, and they are what
/// editors damage most, so evaluation scores them and meta-training can use them as locality inputs.
public enum Neighbourhood {
    /// Neighbour prompts kept per record.
    public static let perRecord = 4

    /// The relation template of a prompt: the first occurrence of the subject replaced by "{}";
    /// nil when the prompt does not contain its subject.
    public static func template(prompt: String, subject: String) -> String? {
        guard !subject.isEmpty, let r = prompt.range(of: subject) else { return nil }
        return prompt.replacingCharacters(in: r, with: "{}")
    }

    /// Sets `neighbours` of every record: up to `perRecord` prompts of the records that follow it
    /// (cyclically, in list order) among those with the same template and another subject. The
    /// choice depends only on the list, so a shuffled sample of a split keeps its neighbours.
    static func assign(_ records: inout [EditRecord]) {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (i, r) in records.enumerated() where r.convSent == nil {
            guard let t = template(prompt: r.prompt, subject: r.subject) else { continue }
            if groups[t] == nil { order.append(t) }
            groups[t, default: []].append(i)
        }
        for t in order {
            guard let members = groups[t], members.count > 1 else { continue }
            for (k, i) in members.enumerated() {
                var picked: [String] = []
                for step in 1..<members.count where picked.count < perRecord {
                    let j = members[(k + step) % members.count]
                    let other = records[j]
                    guard other.subject != records[i].subject, !picked.contains(other.prompt) else { continue }
                    picked.append(other.prompt)
                }
                records[i].neighbours = picked
            }
        }
    }
}
