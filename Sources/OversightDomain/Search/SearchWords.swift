import Foundation

/// The words a case is found by, and the words of a query, normalized the same way: case and
/// accents folded, split at anything that is not a letter or a digit, without the words too
/// common to tell cases apart. What the store indexes is a keyed tag of each word (a blind
/// index), never the word.
public enum SearchWords {
    /// Longer words are cut: a word is a token, not a paragraph.
    public static let maximumLength = 40
    /// At most this many words of a query are looked up (all must match).
    public static let maximumQueryWords = 8

    /// The distinct words of `text`, in first-seen order.
    public static func words(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var seen: Set<String> = []
        var words: [String] = []
        var current = ""
        func flush() {
            defer { current = "" }
            guard current.count >= 2, !stopWords.contains(current) else { return }
            let word = String(current.prefix(maximumLength))
            if seen.insert(word).inserted { words.append(word) }
        }
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// English and French words that occur in nearly every report (the organization writes in
    /// both): indexing them would make every search slow and tell nothing.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "did", "do", "for", "from", "had", "has", "have", "he",
        "her", "him", "his", "i", "in", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "so", "that",
        "the", "their", "them", "then", "there", "they", "this", "to", "was", "we", "were", "what", "when", "which", "who", "will",
        "with", "you", "your", "au", "aux", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils", "je", "la",
        "le", "les", "leur", "mais", "ne", "nous", "ou", "par", "pas", "pour", "qui", "que", "sa", "se", "son", "sur", "un", "une",
        "vous",
    ]
}
