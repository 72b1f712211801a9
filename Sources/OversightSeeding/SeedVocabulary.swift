import Foundation

/// The words of seeded titles and narratives: 4,000 made-up words drawn with Zipf's law (the
/// k-th commonest word about 1/k as often as the first), as the words of real reports are,
/// so that a search over a seeded database meets common and rare words in realistic measure.
/// The same for every seed: `oversight seed --sample-queries` draws queries from it.
package struct SeedVocabulary: Sendable {
    package static let shared = SeedVocabulary(size: 4_000)

    package let words: [String]
    /// Cumulative Zipf weights, for drawing by binary search.
    private let cumulative: [Double]

    init(size: Int) {
        let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kl", "st", "tr", "pl"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        var random = SplitMix64(seed: 0x5EED_5EED)
        var seen: Set<String> = []
        var words: [String] = []
        while words.count < size {
            let syllables = 2 + Int(random.next() % 2)
            var word = ""
            for _ in 0..<syllables {
                word += onsets[Int(random.next() % UInt64(onsets.count))] + vowels[Int(random.next() % UInt64(vowels.count))]
            }
            if seen.insert(word).inserted { words.append(word) }
        }
        self.words = words
        var total = 0.0
        cumulative = (1...size).map { rank in
            total += 1 / Double(rank)
            return total
        }
    }

    /// A word, the commonest the likeliest.
    func draw(_ random: inout SplitMix64) -> String { words[drawRank(&random)] }

    /// The rank (from 0) of a word drawn.
    func drawRank(_ random: inout SplitMix64) -> Int {
        let target = random.nextDouble() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func text(words count: Int, _ random: inout SplitMix64) -> String {
        (0..<count).map { _ in draw(&random) }.joined(separator: " ")
    }

    /// How many of the commonest words stand for the function words of a real text ("the",
    /// "of", "paid"): people do not search for them (and the index drops the real ones).
    package static let functionWords = 100

    /// Queries as people type them: one word (most often) or two, drawn as the texts are but
    /// past the commonest `functionWords`.
    package func sampleQueries(_ count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        func contentWord() -> String {
            while true {
                let rank = drawRank(&random)
                if rank >= Self.functionWords { return words[rank] }
            }
        }
        return (0..<count).map { _ in
            random.next() % 3 == 0 ? contentWord() + " " + contentWord() : contentWord()
        }
    }
}
